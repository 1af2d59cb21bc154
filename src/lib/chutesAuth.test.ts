import { describe, expect, it } from "vitest";
import { API_KEY_STORAGE_KEY, checkApiKeyFormat } from "./chutesAuth.ts";
import { keyStores } from "./credentials/keyStore.ts";

const KEY = `cpk_${"a1".repeat(16)}.${"b2".repeat(16)}.${"Xy9".repeat(10)}Zz`;

describe("checkApiKeyFormat (protocol §2.1 shape)", () => {
  it("accepts the real 102-character shape, trimming pasted whitespace", () => {
    expect(KEY).toHaveLength(102);
    expect(checkApiKeyFormat(`  ${KEY}\n`)).toEqual({ ok: true, key: KEY });
  });

  it("names what is wrong", () => {
    expect(checkApiKeyFormat("")).toEqual({ ok: false, message: "Paste your Chutes API key first." });
    expect(checkApiKeyFormat("sk-or-v1-abc")).toEqual({
      ok: false,
      message: "Chutes API keys start with cpk_.",
    });
    expect(checkApiKeyFormat(KEY.slice(0, 60))).toMatchObject({
      ok: false,
      message: /incomplete or mistyped/,
    });
    expect(checkApiKeyFormat(KEY.replace("a1", "G1"))).toMatchObject({
      ok: false,
      message: /incomplete or mistyped/,
    });
  });
});

describe("key storage", () => {
  it("round-trips the key and its account under the one storage entry", () => {
    const entry = {
      key: KEY,
      account: { scope: "admin" as const, username: "alice", balance: 1 },
      savedAt: "t",
    };
    keyStores.chutes.store(entry);
    expect(JSON.parse(localStorage.getItem(API_KEY_STORAGE_KEY) ?? "null")).toEqual(entry);
    expect(keyStores.chutes.read()).toEqual(entry);
    keyStores.chutes.clear();
    expect(localStorage.getItem(API_KEY_STORAGE_KEY)).toBeNull();
  });

  it("ignores a tampered entry instead of sending it", () => {
    localStorage.setItem(API_KEY_STORAGE_KEY, JSON.stringify({ key: "cpk_evil", account: {}, savedAt: "t" }));
    expect(keyStores.chutes.read()).toBeNull();
  });

  it("ignores an entry whose account summary is not one, and drops fields it does not know", () => {
    const account = { scope: "admin", username: "alice", balance: 1 };
    const stored = (entry: object) => {
      localStorage.setItem(API_KEY_STORAGE_KEY, JSON.stringify({ key: KEY, savedAt: "t", ...entry }));
      return keyStores.chutes.read();
    };
    expect(stored({ account: { ...account, scope: "owner" } })).toBeNull();
    expect(stored({ account: { ...account, balance: "1" } })).toBeNull();
    expect(stored({ account: { ...account, username: 7 } })).toBeNull();
    expect(stored({ account })).toMatchObject({ key: KEY, account });
    expect(stored({ account: { ...account, extra: "x" }, other: 1 })).toEqual({
      key: KEY,
      account,
      savedAt: "t",
    });
    localStorage.setItem(API_KEY_STORAGE_KEY, "not json");
    expect(keyStores.chutes.read()).toBeNull();
  });
});
