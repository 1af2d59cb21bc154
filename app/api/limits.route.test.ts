// @vitest-environment node
import { NextRequest } from "next/server";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { CHAT_LIMITS } from "@/src/lib/api/chat.ts";
import { API_KEY_HEADER } from "@/src/lib/chutesAuth.ts";
import { resetConfigForTests } from "@/src/lib/config.ts";
import { applyEnv, emulatorAppEnv } from "@/tests/emulator/appEnv.ts";
import { ADMIN_KEY, UNKNOWN_KEY } from "@/tests/emulator/fixtures.ts";
import { type EmulatorHandle, startEmulator } from "@/tests/emulator/server.ts";
import { POST as validateChutes } from "./auth/chutes/validate-key/route.ts";
import { POST as chatRoute } from "./chat/route.ts";

// What a public deployment meets from people who are not its users: key guessing, oversized and
// malformed bodies. Each is refused before anything reaches Chutes, with the error table's JSON.

let emulator: EmulatorHandle;
let restoreEnv: () => void;
beforeAll(async () => {
  emulator = await startEmulator({ port: 0, tokenDelayMs: 0 });
  restoreEnv = applyEnv(emulatorAppEnv(emulator.url));
  resetConfigForTests();
});
afterAll(async () => {
  await emulator.close();
  restoreEnv();
  resetConfigForTests();
});
beforeEach(() => emulator.reset());

const validation = (apiKey: string, address: string) =>
  validateChutes(
    new Request("http://localhost:3000/api/auth/chutes/validate-key", {
      method: "POST",
      headers: { "content-type": "application/json", "x-forwarded-for": address },
      body: JSON.stringify({ apiKey }),
    }),
  );

describe("key validation is no oracle", () => {
  it("lets at most 10 attempts a minute from one address reach Chutes, then says when to retry", async () => {
    const statuses: number[] = [];
    let refused: Response | undefined;
    for (let i = 0; i < 60; i++) {
      const response = await validation(UNKNOWN_KEY, "203.0.113.7");
      statuses.push(response.status);
      if (response.status === 429) refused ??= response;
    }
    expect(statuses.filter((s) => s === 401)).toHaveLength(10);
    expect(statuses.filter((s) => s === 429)).toHaveLength(50);
    // Each attempt is /users/me, then the scoped-key probe: 10 attempts, no more.
    expect(emulator.requests({ path: "/users/me" })).toHaveLength(10);
    expect(emulator.requests({ path: "/llm/v1/models" })).toHaveLength(10);

    const retryAfter = Number(refused?.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    const body = await refused?.json();
    expect(body.error.code).toBe("too_many_requests");
    expect(body.error.message).toMatch(/Try again in \d+ s/);
    expect(JSON.stringify(body)).not.toContain(UNKNOWN_KEY);
  });

  it("counts each client address on its own", async () => {
    for (let i = 0; i < 10; i++) await validation(UNKNOWN_KEY, "198.51.100.1");
    expect((await validation(UNKNOWN_KEY, "198.51.100.1")).status).toBe(429);
    expect((await validation(ADMIN_KEY, "198.51.100.2")).status).toBe(200);
  });
});

function chat(body: BodyInit, headers: Record<string, string> = {}) {
  return chatRoute(
    new NextRequest("http://localhost:3000/api/chat", {
      method: "POST",
      headers: {
        "content-type": "application/json",
        host: "localhost:3000",
        origin: "http://localhost:3000",
        "x-forwarded-for": "192.0.2.50",
        [API_KEY_HEADER]: ADMIN_KEY,
        ...headers,
      },
      body,
      duplex: "half",
    }),
  );
}

const turn = (text: string, id = "u1") => ({ id, role: "user", parts: [{ type: "text", text }] });
const MODEL = "deepseek-ai/DeepSeek-V3.2-TEE";

describe("chat input limits", () => {
  it("refuses a body over the cap with 413 before reading it whole, even without a length", async () => {
    const megabyte = new Uint8Array(1024 * 1024).fill(32);
    let sent = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        sent += 1;
        if (sent > 64) controller.close();
        else controller.enqueue(megabyte);
      },
    });
    const response = await chat(endless);
    expect(response.status).toBe(413);
    expect((await response.json()).error).toMatchObject({
      code: "payload_too_large",
      message: /at most 4 MiB/,
    });
    expect(sent).toBeLessThan(10); // stopped reading soon after the cap, not at 64 MB
    expect(emulator.requests({ path: "/llm/v1/chat/completions" })).toHaveLength(0);
  });

  it("refuses a declared length over the cap without reading anything", async () => {
    const response = await chat("{}", { "content-length": String(50 * 1024 * 1024) });
    expect(response.status).toBe(413);
  });

  it.each([
    ["an unknown field", { model: MODEL, messages: [turn("hi")], temperature_hack: 9 }, /temperature_hack/],
    [
      "too many messages",
      {
        model: MODEL,
        messages: Array.from({ length: CHAT_LIMITS.messages + 1 }, (_, i) => turn("hi", `m${i}`)),
      },
      /^messages: a conversation may hold at most 500 messages/,
    ],
    [
      "a message too long",
      { model: MODEL, messages: [turn("x".repeat(CHAT_LIMITS.textPart + 1))] },
      /^messages\.0\.parts\.0\.text: a message may hold at most 100000 characters/,
    ],
    ["a model id that is not one", { model: "rm -rf /", messages: [turn("hi")] }, /^model: /],
  ])("names what is wrong with %s (400, nothing sent upstream)", async (_case, body, message) => {
    const response = await chat(JSON.stringify(body));
    expect(response.status).toBe(400);
    expect((await response.json()).error).toMatchObject({ code: "invalid_request", message });
    expect(emulator.requests({ path: "/llm/v1/chat/completions" })).toHaveLength(0);
  });

  it("accepts what the AI SDK's chat transport sends", async () => {
    const response = await chat(
      JSON.stringify({
        id: "c1",
        trigger: "submit-message",
        messageId: "m1",
        model: MODEL,
        messages: [turn("hi")],
      }),
    );
    expect(response.status).toBe(200);
    await response.text();
  });
});
