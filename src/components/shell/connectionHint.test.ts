import { afterEach, describe, expect, it } from "vitest";
import { ADMIN_KEY } from "@/tests/emulator/fixtures.ts";
import {
  HINT_COOKIE,
  hintForStatus,
  parseConnectionHint,
  syncConnectionHint,
  writeConnectionHint,
} from "./connectionHint.ts";

function hintCookie(): string | undefined {
  return document.cookie
    .split("; ")
    .find((c) => c.startsWith(`${HINT_COOKIE}=`))
    ?.slice(HINT_COOKIE.length + 1);
}

afterEach(() => {
  writeConnectionHint(null);
});

describe("the first-paint hint cookie", () => {
  it("says only which kind of key this browser has, never the key", () => {
    localStorage.setItem("chutes-chat:api-key", JSON.stringify({ key: ADMIN_KEY }));
    expect(syncConnectionHint("api-key", null)).toBe("key");
    expect(hintCookie()).toBe("key");
    expect(document.cookie).not.toContain("cpk_");
    expect(document.cookie).not.toContain(ADMIN_KEY.slice(-8));
    expect(syncConnectionHint("openrouter", "key")).toBe("openrouter");
    expect(hintCookie()).toBe("openrouter");
    localStorage.clear();
  });

  it("is removed when the browser has no key, and left alone while it is still reading", () => {
    let hint = syncConnectionHint("api-key", null);
    hint = syncConnectionHint("loading", hint);
    expect(hintCookie()).toBe("key");
    hint = syncConnectionHint("signed-out", hint);
    expect(hintCookie()).toBeUndefined();
    hint = syncConnectionHint("api-key", hint);
    // A Sign in with Chutes session is read from its own cookie on the server.
    expect(syncConnectionHint("oauth", hint)).toBeNull();
    expect(hintCookie()).toBeUndefined();
  });

  it("is written only when it changes, from what the page knows, never read back", () => {
    let reads = 0;
    let written = "";
    const doc = {
      location: { protocol: "https:" },
      get cookie() {
        reads++;
        return "";
      },
      set cookie(value: string) {
        written = value;
      },
    } as unknown as Document;
    // The server saw "key" and this browser still has its key: nothing to write.
    expect(syncConnectionHint("api-key", "key", doc)).toBe("key");
    expect(written).toBe("");
    expect(syncConnectionHint("signed-out", "key", doc)).toBeNull();
    expect(written).toMatch(/^chutes-chat-hint=; .*Max-Age=0.*; Secure$/);
    expect(reads).toBe(0);
  });

  it("reads only the two known values from a request", () => {
    expect(parseConnectionHint("key")).toBe("key");
    expect(parseConnectionHint("openrouter")).toBe("openrouter");
    expect(parseConnectionHint("cpk_abc")).toBeNull();
    expect(parseConnectionHint(undefined)).toBeNull();
    expect(hintForStatus("loading")).toBeUndefined();
  });
});
