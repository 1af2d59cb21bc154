import { describe, expect, it } from "vitest";
import { pickCredential } from "./precedence.ts";

const KEY = `cpk_${"0".repeat(32)}.${"1".repeat(32)}.${"Z".repeat(32)}`;
const OR_KEY = `sk-or-v1-${"a".repeat(64)}`;

describe("pickCredential: whose credential pays", () => {
  it("prefers the pasted Chutes key over the OAuth session", () => {
    expect(pickCredential({ chutesKey: KEY, oauthToken: "cak_x" })).toEqual({
      provider: "chutes",
      kind: "api-key",
      token: KEY,
    });
  });

  it("uses the OAuth session when no key is pasted", () => {
    expect(pickCredential({ chutesKey: null, oauthToken: "cak_x" })).toEqual({
      provider: "chutes",
      kind: "oauth",
      token: "cak_x",
    });
  });

  it("lets the preferred provider answer when both are connected", () => {
    expect(
      pickCredential({ oauthToken: "cak_x", openRouterKey: OR_KEY, preferred: "openrouter" })?.provider,
    ).toBe("openrouter");
    expect(pickCredential({ oauthToken: "cak_x", openRouterKey: OR_KEY, preferred: "chutes" })?.kind).toBe(
      "oauth",
    );
    expect(pickCredential({ chutesKey: KEY, openRouterKey: OR_KEY })?.provider).toBe("chutes");
  });

  it("uses the only connected provider whatever the preference says", () => {
    expect(pickCredential({ openRouterKey: OR_KEY, preferred: "chutes" })?.provider).toBe("openrouter");
    expect(pickCredential({ chutesKey: KEY, preferred: "openrouter" })?.provider).toBe("chutes");
  });

  it("is null when nothing is connected", () => {
    expect(pickCredential({})).toBeNull();
    expect(pickCredential({ preferred: "openrouter" })).toBeNull();
  });
});
