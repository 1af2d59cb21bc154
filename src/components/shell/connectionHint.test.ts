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
    syncConnectionHint("api-key");
    expect(hintCookie()).toBe("key");
    expect(document.cookie).not.toContain("cpk_");
    expect(document.cookie).not.toContain(ADMIN_KEY.slice(-8));
    syncConnectionHint("openrouter");
    expect(hintCookie()).toBe("openrouter");
    localStorage.clear();
  });

  it("is removed when the browser has no key, and left alone while it is still reading", () => {
    syncConnectionHint("api-key");
    syncConnectionHint("loading");
    expect(hintCookie()).toBe("key");
    syncConnectionHint("signed-out");
    expect(hintCookie()).toBeUndefined();
    syncConnectionHint("api-key");
    // A Sign in with Chutes session is read from its own cookie on the server.
    syncConnectionHint("oauth");
    expect(hintCookie()).toBeUndefined();
  });

  it("reads only the two known values from a request", () => {
    expect(parseConnectionHint("key")).toBe("key");
    expect(parseConnectionHint("openrouter")).toBe("openrouter");
    expect(parseConnectionHint("cpk_abc")).toBeNull();
    expect(parseConnectionHint(undefined)).toBeNull();
    expect(hintForStatus("loading")).toBeUndefined();
  });
});
