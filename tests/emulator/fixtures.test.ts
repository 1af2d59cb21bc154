// @vitest-environment node
import { describe, expect, it } from "vitest";
import {
  ADMIN_KEY,
  alice,
  BROKE_KEY,
  bob,
  DEFAULT_REDIRECT_URIS,
  KEYS,
  OAUTH_CLIENT,
  SCOPED_KEY,
  UNKNOWN_KEY,
} from "./fixtures.ts";

const KEY_SHAPE = /^cpk_([0-9a-f]{32})\.([0-9a-f]{32})\.([A-Za-z0-9]{32})$/;

describe("fixtures", () => {
  it("gives every key the real 102-character cpk_ shape", () => {
    for (const key of [ADMIN_KEY, SCOPED_KEY, BROKE_KEY, UNKNOWN_KEY]) {
      expect(key).toMatch(KEY_SHAPE);
      expect(key).toHaveLength(102);
    }
    expect(new Set([ADMIN_KEY, SCOPED_KEY, BROKE_KEY, UNKNOWN_KEY]).size).toBe(4);
  });

  it("puts the key id first and the owner's user id (without dashes) second", () => {
    const owner = (key: string) => KEY_SHAPE.exec(key)?.[2];
    expect(owner(ADMIN_KEY)).toBe(alice.userId.replaceAll("-", ""));
    expect(owner(SCOPED_KEY)).toBe(alice.userId.replaceAll("-", ""));
    expect(owner(BROKE_KEY)).toBe(bob.userId.replaceAll("-", ""));
    for (const k of KEYS) expect(KEY_SHAPE.exec(k.key)?.[1]).toBe(k.keyId);
    expect(KEYS.map((k) => k.key)).not.toContain(UNKNOWN_KEY);
  });

  it("describes the users and the OAuth client with fixed, well-formed values", () => {
    expect(alice).toMatchObject({ username: "alice", balance: 12.5 });
    expect(bob).toMatchObject({ username: "bob", balance: 0 });
    for (const user of [alice, bob]) {
      expect(user.userId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    }
    expect(OAUTH_CLIENT.clientId).toMatch(/^cid_[a-z0-9]{24}$/);
    expect(OAUTH_CLIENT.clientSecret).toMatch(/^csc_[A-Za-z0-9]{48}$/);
    expect(DEFAULT_REDIRECT_URIS).toEqual([
      "http://127.0.0.1:3000/api/auth/callback/chutes",
      "http://localhost:3000/api/auth/callback/chutes",
    ]);
  });
});
