// @vitest-environment node
import { describe, expect, it } from "vitest";
import { API_KEY_HEADER } from "./chutesAuth.ts";
import { pickCredential } from "./credentialPrecedence.ts";
import { resolveCredential } from "./credentials.ts";

const KEY = `cpk_${"0".repeat(32)}.${"1".repeat(32)}.${"Z".repeat(32)}`;

describe("pickCredential (the precedence rule)", () => {
  it("prefers the pasted key over the OAuth session", () => {
    expect(pickCredential({ apiKey: KEY, oauthToken: "cak_x" })).toEqual({ kind: "api-key", token: KEY });
    expect(pickCredential({ apiKey: null, oauthToken: "cak_x" })).toEqual({ kind: "oauth", token: "cak_x" });
    expect(pickCredential({})).toBeNull();
  });
});

describe("resolveCredential", () => {
  it("reads the key from its header", async () => {
    const request = new Request("http://localhost/api/chat", { headers: { [API_KEY_HEADER]: KEY } });
    expect(await resolveCredential(request)).toEqual({ ok: true, credential: { kind: "api-key", token: KEY } });
  });

  it("refuses a malformed key before anything reaches Chutes", async () => {
    const request = new Request("http://localhost/api/chat", { headers: { [API_KEY_HEADER]: "cpk_short" } });
    const result = await resolveCredential(request);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe("invalid_key_format");
  });

  it("answers no_credential when nothing is present", async () => {
    const result = await resolveCredential(new Request("http://localhost/api/chat"));
    expect(result).toMatchObject({ ok: false, error: { code: "no_credential" } });
  });
});
