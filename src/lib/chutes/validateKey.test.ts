// @vitest-environment node
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { emulatorAppEnv } from "@/tests/emulator/appEnv.ts";
import { ADMIN_KEY, SCOPED_KEY, UNKNOWN_KEY } from "@/tests/emulator/fixtures.ts";
import { type EmulatorHandle, startEmulator } from "@/tests/emulator/server.ts";
import { validateKeyWithChutes } from "./validateKey.ts";

// Key validation against the Chutes emulator: which calls reach Chutes, with which credential, and
// what each answer means for the user.

let emulator: EmulatorHandle;
let settings: Parameters<typeof validateKeyWithChutes>[1];
beforeAll(async () => {
  emulator = await startEmulator({ port: 0 });
  settings = { ...emulatorAppEnv(emulator.url), CHUTES_REQUEST_TIMEOUT_MS: 300 };
});
afterAll(() => emulator.close());
beforeEach(() => emulator.reset());

const calls = () =>
  emulator.requests().map((r) => ({ path: r.path, authorization: r.headers.authorization }));

describe("validateKeyWithChutes", () => {
  it("accepts an admin key with its username and balance from /users/me", async () => {
    const result = await validateKeyWithChutes(ADMIN_KEY, settings);
    expect(result).toEqual({ ok: true, account: { scope: "admin", username: "alice", balance: 12.5 } });
    expect(calls()).toEqual([{ path: "/users/me", authorization: `Bearer ${ADMIN_KEY}` }]);
  });

  it("accepts a scoped key that /users/me refuses but the model list accepts", async () => {
    const result = await validateKeyWithChutes(SCOPED_KEY, settings);
    expect(result).toEqual({ ok: true, account: { scope: "scoped", username: null, balance: null } });
    expect(calls()).toEqual([
      { path: "/users/me", authorization: `Bearer ${SCOPED_KEY}` },
      { path: "/llm/v1/models", authorization: `Bearer ${SCOPED_KEY}` },
    ]);
  });

  it("rejects a key that both endpoints refuse", async () => {
    const result = await validateKeyWithChutes(UNKNOWN_KEY, settings);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe("key_rejected");
  });

  it("says Chutes could not be reached when the request times out", async () => {
    emulator.inject({ failure: "slow_first_token", match: { path: "users_me" }, delayMs: 2000 });
    const started = Date.now();
    const result = await validateKeyWithChutes(ADMIN_KEY, settings);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe("chutes_unreachable");
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it("says Chutes could not be reached when the connection drops", async () => {
    emulator.inject({ failure: "drop_connection", match: { path: "users_me" } });
    const result = await validateKeyWithChutes(ADMIN_KEY, settings);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe("chutes_unreachable");
  });

  it("reports a Chutes outage as such, not as a bad key", async () => {
    emulator.inject({ failure: "exhausted", match: { path: "users_me" } });
    const result = await validateKeyWithChutes(ADMIN_KEY, settings);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe("upstream_error");
  });

  it("never puts the key in the error it returns, even when Chutes echoes it", async () => {
    emulator.inject({ failure: "payment_required", match: { path: "users_me" }, echoCredential: true });
    const result = await validateKeyWithChutes(ADMIN_KEY, settings);
    expect(result.ok).toBe(false);
    // Chutes' own text reaches the user (it names the balance), the key does not.
    if (!result.ok) expect(result.error.message).toMatch(/^Quota exceeded and account balance is \$12\.5/);
    expect(JSON.stringify(result)).not.toContain(ADMIN_KEY);
  });
});
