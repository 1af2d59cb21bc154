// @vitest-environment node
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { ADMIN_KEY, BROKE_KEY, bob, SCOPED_KEY } from "./fixtures.ts";
import { type EmulatorHandle, startEmulator } from "./server.ts";
import { chatRequest, choiceOf, contentOf, parseSse, sleep, userMessage } from "./testkit.ts";

const MODEL = "Qwen/Qwen3-32B";
let emu: EmulatorHandle;

beforeAll(async () => {
  emu = await startEmulator({ port: 0, tokenDelayMs: 1 });
});
afterAll(() => emu.close());
beforeEach(() => emu.reset());

/** Watches the emulator's timers (it runs in this process) to prove cancelled work really stops. */
function spyTimers() {
  const set = vi.spyOn(globalThis, "setTimeout");
  const clear = vi.spyOn(globalThis, "clearTimeout");
  return {
    clearedAnyWithDelay(delay: number): boolean {
      const handles = set.mock.calls
        .map((call, i) => (call[1] === delay ? set.mock.results[i]?.value : undefined))
        .filter((h) => h !== undefined);
      return clear.mock.calls.some(([handle]) => handles.includes(handle));
    },
    delays(): unknown[] {
      return set.mock.calls.map((call) => call[1]);
    },
    restore() {
      set.mockRestore();
      clear.mockRestore();
    },
  };
}

const wordCount = (text: string) => text.split(/\s+/).filter(Boolean).length;

async function streamed(content: string, messages = userMessage(content)) {
  const response = await chatRequest(emu.url, ADMIN_KEY, { model: MODEL, stream: true, messages });
  expect(response.status).toBe(200);
  return { response, stream: parseSse(await response.text()) };
}

async function answerTo(messages: Array<{ role: string; content: unknown }>): Promise<string> {
  const response = await chatRequest(emu.url, ADMIN_KEY, { model: MODEL, messages });
  expect(response.status).toBe(200);
  return (await response.json()).choices[0].message.content;
}

describe("streaming chat completions", () => {
  it("streams chunks word by word with usage on every chunk and ends with [DONE]", async () => {
    const { response, stream } = await streamed("What is the capital of France?");
    expect(response.headers.get("content-type")).toBe("text/event-stream");
    expect(response.headers.get("cache-control")).toBe("no-cache, no-transform");
    expect(response.headers.get("x-accel-buffering")).toBe("no");
    expect(response.headers.get("x-chutes-rl-user")).toBe("60");
    expect(response.headers.get("x-chutes-invocationid")).toMatch(/^[0-9a-f-]{36}$/);

    expect(stream.done).toBe(true);
    expect(stream.strayLines).toEqual([]);
    expect(stream.text.trimEnd().endsWith("data: [DONE]")).toBe(true);
    expect(stream.events.length).toBeGreaterThan(30);
    const ids = new Set(stream.events.map((e) => e.id));
    expect(ids.size).toBe(1);
    // include_usage is forced on: the last event has no choices, only the final usage.
    const final = stream.events.at(-1) as { choices: unknown[]; usage: { completion_tokens: number } };
    expect(final.choices).toEqual([]);
    const tokens = stream.events.slice(0, -1);
    expect(final.usage.completion_tokens).toBe(tokens.length);
    tokens.forEach((event, i) => {
      expect(event.object).toBe("chat.completion.chunk");
      expect(event.model).toBe(MODEL);
      expect(typeof event.created).toBe("number");
      expect(typeof event.chutes_verification).toBe("string");
      const usage = event.usage as { prompt_tokens: number; completion_tokens: number; total_tokens: number };
      expect(usage.completion_tokens).toBe(i + 1);
      expect(usage.total_tokens).toBe(usage.prompt_tokens + usage.completion_tokens);
      const last = i === tokens.length - 1;
      expect(choiceOf(event).finish_reason).toBe(last ? "stop" : null);
    });

    const answer = contentOf(stream);
    expect(answer.startsWith('You asked: "What is the capital of France?".')).toBe(true);
    expect(wordCount(answer)).toBeGreaterThanOrEqual(40);
    expect(wordCount(answer)).toBeLessThanOrEqual(70);
    expect(answer).not.toMatch(/\[\d+\]/);
  });

  it("is deterministic and identical to the non-streamed answer", async () => {
    const a = contentOf((await streamed("Tell me about otters")).stream);
    const b = contentOf((await streamed("Tell me about otters")).stream);
    expect(a).toBe(b);
    expect(await answerTo(userMessage("Tell me about otters"))).toBe(a);
    expect(contentOf((await streamed("Tell me about beavers")).stream)).not.toBe(a);
  });

  it("produces about 400 words when asked for a long answer", async () => {
    const answer = contentOf((await streamed("Please give me a long answer about rivers")).stream);
    expect(wordCount(answer)).toBeGreaterThanOrEqual(380);
    expect(wordCount(answer)).toBeLessThanOrEqual(460);
  });

  it("paces chunks by tokenDelayMs", async () => {
    emu.configure({ tokenDelayMs: 20 });
    const started = Date.now();
    const { stream } = await streamed("How slow is this?");
    expect(Date.now() - started).toBeGreaterThanOrEqual(stream.events.length * 20 * 0.8);
  });

  it("holds only the first chunk (and the status line) for firstTokenDelayMs", async () => {
    emu.configure({ tokenDelayMs: 0, firstTokenDelayMs: 150 });
    const timers = spyTimers();
    try {
      const started = performance.now();
      const response = await chatRequest(emu.url, ADMIN_KEY, {
        model: MODEL,
        stream: true,
        messages: userMessage("How long until the first word?"),
      });
      const headersAt = performance.now() - started;
      const stream = parseSse(await response.text());
      expect(stream.done).toBe(true);
      expect(headersAt).toBeGreaterThanOrEqual(140);
      const delays = timers.delays();
      // One wait of 150 ms before the first chunk, none of the later ones.
      expect(delays.filter((d) => d === 150)).toHaveLength(1);
      expect(delays.filter((d) => d === 0).length).toBeGreaterThanOrEqual(stream.events.length - 1);
    } finally {
      timers.restore();
    }
    emu.reset();
    expect(emu.settings.firstTokenDelayMs).toBeNull();
  });

  it("stops with finish_reason length at max_tokens", async () => {
    const response = await chatRequest(emu.url, ADMIN_KEY, {
      model: MODEL,
      stream: true,
      max_tokens: 5,
      messages: userMessage("Count the words"),
    });
    const stream = parseSse(await response.text());
    expect(stream.events).toHaveLength(6);
    expect(choiceOf(stream.events[4] ?? {}).finish_reason).toBe("length");
    expect(stream.events[5]?.usage).toMatchObject({ completion_tokens: 5 });
    expect(stream.done).toBe(true);
  });
});

describe("non-streaming chat completions", () => {
  it("returns one chat.completion with usage and Chutes headers", async () => {
    const response = await chatRequest(emu.url, SCOPED_KEY, {
      model: "deepseek-ai/DeepSeek-V3.2-TEE:latency",
      messages: [
        { role: "system", content: "Be brief." },
        { role: "user", content: [{ type: "text", text: "Hello from parts" }] },
      ],
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("x-chutes-rl-user")).toBe("60");
    const body = await response.json();
    expect(body.object).toBe("chat.completion");
    expect(body.model).toBe("deepseek-ai/DeepSeek-V3.2-TEE");
    expect(body.choices[0].message.role).toBe("assistant");
    expect(body.choices[0].message.content).toContain('You asked: "Hello from parts".');
    expect(body.choices[0].finish_reason).toBe("stop");
    expect(body.usage.total_tokens).toBe(body.usage.prompt_tokens + body.usage.completion_tokens);
    expect(body.usage.completion_tokens).toBeGreaterThan(30);
  });

  it("requires auth and answers in FastAPI's detail shape", async () => {
    const body = { model: MODEL, messages: userMessage("hi") };
    const noAuth = await chatRequest(emu.url, null, body);
    expect(noAuth.status).toBe(401);
    expect(await noAuth.json()).toEqual({ detail: "Authentication required." });
    const garbage = await chatRequest(emu.url, "garbage", body);
    expect(await garbage.json()).toEqual({ detail: "Invalid token." });
    const badCak = await chatRequest(emu.url, "cak_00000000-0000-4000-8000-000000000000.x", body);
    expect(badCak.status).toBe(401);
    expect(await badCak.json()).toEqual({ detail: "Authentication required." });
  });

  it("answers 404 for an unknown model", async () => {
    const response = await chatRequest(emu.url, ADMIN_KEY, {
      model: "acme/NoSuchModel",
      messages: userMessage("hi"),
    });
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ detail: "model not found: acme/NoSuchModel" });
  });

  it("refuses a broke user with 402 before any stream starts", async () => {
    const response = await chatRequest(emu.url, BROKE_KEY, {
      model: MODEL,
      stream: true,
      messages: userMessage("hi"),
    });
    expect(response.status).toBe(402);
    expect(response.headers.get("content-type")).toBe("application/json");
    expect(await response.json()).toEqual({
      detail: {
        message: `Quota exceeded and account balance is $0.0, please pay with fiat or send tao to ${bob.paymentAddress}`,
      },
    });
  });

  it("follows balance changes: alice at 0 gets 402, bob topped up gets an answer", async () => {
    emu.setBalance("alice", 0);
    const alice = await chatRequest(emu.url, ADMIN_KEY, { model: MODEL, messages: userMessage("hi") });
    expect(alice.status).toBe(402);
    expect((await alice.json()).detail.message).toContain("account balance is $0.0");
    emu.setBalance("bob", 3);
    expect(
      (await chatRequest(emu.url, BROKE_KEY, { model: MODEL, messages: userMessage("hi") })).status,
    ).toBe(200);
  });
});

describe("RAG citations", () => {
  const system = [
    "Answer from the sources.",
    '<source id="1" title="Cats">Cats sleep for around sixteen hours every day, mostly in warm and quiet places.</source>',
    '<source id="2" title="Tides" page="4">Ocean tides are caused by the gravitational pull of the moon and the sun on the sea.</source>',
    '<source id="3" title="Bread">Sourdough bread rises because wild yeast and bacteria ferment the flour.</source>',
  ].join("\n");

  it("quotes the best-matching source and cites it", async () => {
    const answer = await answerTo([
      { role: "system", content: system },
      { role: "user", content: "What causes ocean tides?" },
    ]);
    expect(answer).toContain(
      'According to the knowledge base, "Ocean tides are caused by the gravitational pull of the moon and" [2].',
    );
    expect(answer).not.toContain("[1]");
    expect(answer).not.toContain("[3]");
  });

  it("picks a different source for a different question", async () => {
    const answer = await answerTo([
      { role: "system", content: system },
      { role: "user", content: "How does sourdough bread rise?" },
    ]);
    expect(answer).toMatch(/"Sourdough bread rises[^"]*" \[3\]\./);
  });

  it("emits no citation markers without source blocks", async () => {
    const answer = await answerTo([
      { role: "system", content: "Answer from the sources. There are none." },
      { role: "user", content: "What causes ocean tides?" },
    ]);
    expect(answer).not.toMatch(/\[\d+\]/);
  });
});

describe("recording", () => {
  it("records method, path, host, verbatim headers, parsed body and status", async () => {
    await chatRequest(emu.url, ADMIN_KEY, { model: MODEL, messages: userMessage("record me") });
    await fetch(`${emu.url}/llm/v1/models?or=true`);
    const [chat] = emu.requests({ path: "/llm/v1/chat/completions" });
    expect(chat).toMatchObject({
      method: "POST",
      path: "/llm/v1/chat/completions",
      host: "llm",
      status: 200,
      completed: true,
      clientClosedEarly: false,
      body: { model: MODEL, messages: [{ role: "user", content: "record me" }] },
    });
    expect(chat?.headers.authorization).toBe(`Bearer ${ADMIN_KEY}`);
    expect(chat?.headers["content-type"]).toBe("application/json");
    expect(new Date(chat?.at ?? "").getTime()).toBeGreaterThan(0);
    const [models] = emu.requests({ path: "/llm/v1/models" });
    expect(models?.query).toEqual({ or: "true" });
    expect(emu.requests().map((r) => r.path)).toEqual(["/llm/v1/chat/completions", "/llm/v1/models"]);
  });

  it("notes a client that aborts mid-stream and stops writing to it", async () => {
    emu.configure({ tokenDelayMs: 25 });
    const timers = spyTimers();
    try {
      const controller = new AbortController();
      const response = await chatRequest(
        emu.url,
        ADMIN_KEY,
        { model: MODEL, stream: true, messages: userMessage("Give me a long answer please") },
        { signal: controller.signal },
      );
      const reader = response.body?.getReader();
      const first = await reader?.read();
      expect(new TextDecoder().decode(first?.value)).toContain("chat.completion.chunk");
      const running = emu.requests({ path: "/llm/v1/chat/completions" })[0];
      expect(running).toMatchObject({ status: 200, completed: false, clientClosedEarly: false });
      controller.abort();
      await sleep(100);
      const [record] = emu.requests({ path: "/llm/v1/chat/completions" });
      expect(record).toMatchObject({ status: 200, completed: false, clientClosedEarly: true });
      // The paced writer's pending tick was cancelled: nothing keeps writing to (or billing) it.
      expect(timers.clearedAnyWithDelay(25)).toBe(true);
    } finally {
      timers.restore();
    }
  });

  it("cancels a pending first chunk when the client leaves before it", async () => {
    const timers = spyTimers();
    try {
      emu.inject({ failure: "slow_first_token", delayMs: 5000 });
      const controller = new AbortController();
      const pending = chatRequest(
        emu.url,
        ADMIN_KEY,
        { model: MODEL, stream: true, messages: userMessage("wait for it") },
        { signal: controller.signal },
      ).catch((error: unknown) => error);
      await sleep(100);
      expect(timers.clearedAnyWithDelay(5000)).toBe(false);
      controller.abort();
      expect(await pending).toBeInstanceOf(Error);
      await sleep(100);
      expect(timers.clearedAnyWithDelay(5000)).toBe(true);
      const [record] = emu.requests({ path: "/llm/v1/chat/completions" });
      expect(record).toMatchObject({ status: 0, completed: false, clientClosedEarly: true });
    } finally {
      timers.restore();
    }
  });
});
