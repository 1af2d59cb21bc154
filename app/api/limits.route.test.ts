// @vitest-environment node
import { Writable } from "node:stream";
import { NextRequest } from "next/server";
import { describe, expect, it } from "vitest";
import { CHAT_LIMITS } from "@/src/lib/api/chat.ts";
import { API_KEY_HEADER } from "@/src/lib/chutesAuth.ts";
import { createLogger } from "@/src/lib/log.ts";
import { ADMIN_KEY, UNKNOWN_KEY } from "@/tests/emulator/fixtures.ts";
import { withAppEmulator } from "@/tests/support/appEmulator.ts";
import { POST as validateChutes } from "./auth/chutes/validate-key/route.ts";
import { POST as chatRoute } from "./chat/route.ts";

// What a public deployment meets from people who are not its users: key guessing, oversized and
// malformed bodies. Each is refused before anything reaches Chutes, with the error table's JSON.

const emulator = withAppEmulator();

const validation = (apiKey: string, address: string) =>
  validateChutes(
    new Request("http://localhost:3000/api/auth/chutes/validate-key", {
      method: "POST",
      headers: { "content-type": "application/json", "x-forwarded-for": address },
      body: JSON.stringify({ apiKey }),
    }),
  );

describe("key validation is no oracle", () => {
  it("lets 10 of 300 attempts in a minute from one address reach Chutes, then says when to retry", async () => {
    const statuses: number[] = [];
    let refused: Response | undefined;
    for (let i = 0; i < 300; i++) {
      const response = await validation(UNKNOWN_KEY, "203.0.113.7");
      statuses.push(response.status);
      if (response.status === 429) refused ??= response;
    }
    expect(statuses.filter((s) => s === 401)).toHaveLength(10);
    expect(statuses.filter((s) => s === 429)).toHaveLength(290);
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
const png = (bytes = 3, mediaType = "image/png") => ({
  type: "file",
  mediaType,
  filename: "shot.png",
  url: `data:${mediaType};base64,${Buffer.alloc(bytes, 7).toString("base64")}`,
});
const withImages = (count: number, id = "u1", role = "user") => ({
  id,
  role,
  parts: [...Array.from({ length: count }, () => png()), { type: "text", text: "what is this?" }],
});

describe("chat input limits", () => {
  it("refuses a body over the cap with 413 before reading it whole, even without a length", async () => {
    const megabyte = new Uint8Array(1024 * 1024).fill(32);
    let sent = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        sent += 1;
        if (sent > 100) controller.close();
        else controller.enqueue(megabyte);
      },
    });
    const response = await chat(endless);
    expect(response.status).toBe(413);
    expect((await response.json()).error).toMatchObject({
      code: "payload_too_large",
      message: /at most 31 MiB/,
    });
    expect(sent).toBeLessThan(37); // stopped reading soon after the 31 MiB cap, not at 100 MB
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
    [
      "an image in an answer",
      { model: MODEL, messages: [turn("hi"), withImages(1, "a1", "assistant")] },
      /^messages\.1: only your messages may hold images/,
    ],
    [
      "an image of a type models do not take",
      { model: MODEL, messages: [{ id: "u1", role: "user", parts: [png(3, "image/svg+xml")] }] },
      /^messages\.0\.parts\.0\.mediaType: an image must be PNG, JPEG, WebP or GIF/,
    ],
    [
      "an image given as a link",
      {
        model: MODEL,
        messages: [{ id: "u1", role: "user", parts: [{ ...png(), url: "https://example.com/cat.png" }] }],
      },
      /^messages\.0\.parts\.0\.url: an image must be sent as its own data/,
    ],
    [
      "an image over 2 MB",
      { model: MODEL, messages: [{ id: "u1", role: "user", parts: [png(2 * 1024 * 1024 + 1)] }] },
      /^messages\.0\.parts\.0\.url: an image may be at most 2 MB/,
    ],
    [
      "five images in one message",
      { model: MODEL, messages: [withImages(5)] },
      /^messages\.0\.parts: a message may hold at most 4 images/,
    ],
    [
      "nine images in one conversation",
      {
        model: MODEL,
        messages: [withImages(4, "u1"), turn("ok", "u2"), withImages(4, "u3"), withImages(1, "u4")],
      },
      /^messages: a question may carry at most 8 images, earlier ones included/,
    ],
  ])("names what is wrong with %s (400, nothing sent upstream)", async (_case, body, message) => {
    const response = await chat(JSON.stringify(body));
    expect(response.status).toBe(400);
    expect((await response.json()).error).toMatchObject({ code: "invalid_request", message });
    expect(emulator.requests({ path: "/llm/v1/chat/completions" })).toHaveLength(0);
  });

  it("leaves one log line per request with its timings and no key or message text", async () => {
    let logged = "";
    const sink = new Writable({
      write(chunk, _encoding, done) {
        logged += chunk.toString();
        done();
      },
    });
    const holder = globalThis as { __chutesChatLogger?: unknown };
    const previous = holder.__chutesChatLogger;
    holder.__chutesChatLogger = createLogger(sink, "info");
    try {
      const response = await chat(JSON.stringify({ model: MODEL, messages: [turn("my secret question")] }));
      await response.text();
      const line = logged
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l))
        .find((l) => l.msg === "request");
      expect(line).toMatchObject({
        route: "chat",
        status: 200,
        upstreamStatus: 200,
        requestId: response.headers.get("x-request-id"),
      });
      expect(line.ttftMs).toBeGreaterThanOrEqual(0);
      expect(logged).not.toContain(ADMIN_KEY);
      expect(logged).not.toContain("my secret question");
    } finally {
      holder.__chutesChatLogger = previous;
    }
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
