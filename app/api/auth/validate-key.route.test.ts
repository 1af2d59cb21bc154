// @vitest-environment node
import { describe, expect, it } from "vitest";
import { resetConfigForTests } from "@/src/lib/config.ts";
import {
  ADMIN_KEY,
  OPENROUTER_BROKE_KEY,
  OPENROUTER_KEY,
  SCOPED_KEY,
  UNKNOWN_KEY,
} from "@/tests/emulator/fixtures.ts";
import { withAppEmulator } from "@/tests/support/appEmulator.ts";
import { POST as validateChutes } from "./chutes/validate-key/route.ts";
import { POST as validateOpenRouter } from "./openrouter/validate-key/route.ts";

// Both key-validation routes against the emulator: what a user sees for each kind of key.

const _emulator = withAppEmulator();

const post = (route: (r: Request) => Promise<Response>, apiKey: string) =>
  route(
    new Request("http://localhost:3000/x", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ apiKey }),
    }),
  );

describe("POST /api/auth/chutes/validate-key", () => {
  it("accepts an admin key with the account, and a scoped key without it", async () => {
    const admin = await post(validateChutes, ADMIN_KEY);
    expect(await admin.json()).toEqual({
      valid: true,
      account: { scope: "admin", username: "alice", balance: 12.5 },
    });
    const scoped = await post(validateChutes, SCOPED_KEY);
    expect(await scoped.json()).toEqual({
      valid: true,
      account: { scope: "scoped", username: null, balance: null },
    });
  });

  it("rejects an unknown key and a malformed one, and never echoes the key", async () => {
    const unknown = await post(validateChutes, UNKNOWN_KEY);
    expect(unknown.status).toBe(401);
    const text = await unknown.text();
    expect(JSON.parse(text)).toMatchObject({ error: { code: "key_rejected" } });
    expect(text).not.toContain(UNKNOWN_KEY);
    const malformed = await post(validateChutes, "cpk_nope");
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ error: { code: "invalid_key_format" } });
  });

  it("says Chutes could not be reached when it is down", async () => {
    const saved = process.env.CHUTES_API_URL;
    process.env.CHUTES_API_URL = "http://127.0.0.1:9";
    resetConfigForTests();
    const response = await post(validateChutes, ADMIN_KEY);
    process.env.CHUTES_API_URL = saved;
    resetConfigForTests();
    expect(response.status).toBe(504);
    expect(await response.json()).toMatchObject({ error: { code: "chutes_unreachable" } });
  });
});

describe("POST /api/auth/openrouter/validate-key", () => {
  it("accepts a key with credit and reports what is left", async () => {
    const response = await post(validateOpenRouter, OPENROUTER_KEY);
    expect(await response.json()).toEqual({
      valid: true,
      account: { label: "sk-or-v1-0f1...978", creditRemaining: 7.5 },
    });
  });

  it("refuses a key with no credit, in OpenRouter's name", async () => {
    const response = await post(validateOpenRouter, OPENROUTER_BROKE_KEY);
    expect(response.status).toBe(402);
    expect(await response.json()).toMatchObject({
      error: {
        code: "payment_required",
        provider: "openrouter",
        message: expect.stringContaining("no credit left"),
      },
    });
  });

  it("refuses an unknown key", async () => {
    const response = await post(validateOpenRouter, `sk-or-v1-${"9".repeat(64)}`);
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: { code: "key_rejected", provider: "openrouter" } });
  });
});
