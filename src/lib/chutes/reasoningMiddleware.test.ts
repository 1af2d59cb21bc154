// @vitest-environment node
import { streamText } from "ai";
import { describe, expect, it } from "vitest";
import { chatModelFor } from "./provider.ts";

// The chat model as the route builds it (real provider, real middleware) fed with the SSE bytes a
// reasoning model's engine sends: every shape must come out as reasoning parts and a clean answer.

type Delta = { content?: string | null; reasoning_content?: string; reasoning?: string };

function engineStream(deltas: Delta[], finishReason = "stop", usage?: Record<string, unknown>): typeof fetch {
  const event = (payload: unknown) => `data: ${JSON.stringify(payload)}\n\n`;
  const base = { id: "chatcmpl-1", object: "chat.completion.chunk", created: 1, model: "m" };
  const frames = [
    ...deltas.map((delta, i) =>
      event({
        ...base,
        choices: [{ index: 0, delta, finish_reason: i === deltas.length - 1 ? finishReason : null }],
      }),
    ),
    event({
      ...base,
      choices: [],
      usage: usage ?? {
        prompt_tokens: 10,
        completion_tokens: deltas.length,
        total_tokens: 10 + deltas.length,
      },
    }),
    "data: [DONE]\n\n",
  ];
  return async () =>
    new Response(
      new ReadableStream<Uint8Array>({
        start(controller) {
          for (const frame of frames) controller.enqueue(new TextEncoder().encode(frame));
          controller.close();
        },
      }),
      { headers: { "content-type": "text/event-stream" } },
    );
}

const CREDENTIAL = { kind: "api-key", provider: "chutes", token: "cpk_test" } as const;
const SETTINGS = { CHUTES_LLM_URL: "http://llm.test/v1", OPENROUTER_API_URL: "http://or.test/v1" };

async function run(deltas: Delta[], finishReason?: string, usage?: Record<string, unknown>) {
  const result = streamText({
    model: chatModelFor(CREDENTIAL, "m", SETTINGS, engineStream(deltas, finishReason, usage)),
    prompt: "Why?",
    maxRetries: 0,
  });
  let reasoning = "";
  let text = "";
  const open = new Set<string>();
  let reasoningParts = 0;
  for await (const part of result.fullStream) {
    if (part.type === "reasoning-start") {
      open.add(part.id);
      reasoningParts++;
    }
    if (part.type === "reasoning-end") open.delete(part.id);
    if (part.type === "reasoning-delta") reasoning += part.text;
    if (part.type === "text-delta") text += part.text;
    if (part.type === "error") throw part.error;
  }
  return { reasoning, text, openAtEnd: open.size, reasoningParts, usage: await result.totalUsage };
}

const THOUGHT = "\nThe sky scatters blue light <b>most</b>.\n";
const ANSWER = "\n\nRayleigh scattering.";
const TAGGED = `<think>${THOUGHT}</think>${ANSWER}`;

const splitAt = (text: string, k: number) => [text.slice(0, k), text.slice(k)].filter((s) => s.length > 0);

describe("reasoning in every shape", () => {
  it.each(["reasoning_content", "reasoning"] as const)(
    "turns %s deltas into reasoning parts",
    async (field) => {
      const out = await run([
        { content: null, [field]: "Thinking " },
        { content: null, [field]: "hard." },
        { content: "The answer." },
      ]);
      expect(out.reasoning).toBe("Thinking hard.");
      expect(out.text).toBe("The answer.");
      expect(out.openAtEnd).toBe(0);
    },
  );

  it("shows the thinking once when an engine sends both fields", async () => {
    const out = await run([{ reasoning_content: "Once.", reasoning: "Once." }, { content: "Done." }]);
    expect(out.reasoning).toBe("Once.");
  });

  it("counts reasoning tokens from usage as output", async () => {
    const out = await run([{ reasoning_content: "Hmm." }, { content: "Yes." }], "stop", {
      prompt_tokens: 20,
      completion_tokens: 9,
      total_tokens: 29,
      completion_tokens_details: { reasoning_tokens: 7 },
      prompt_tokens_details: { cached_tokens: 12 },
    });
    expect(out.usage.outputTokens).toBe(9);
    expect(out.usage.outputTokenDetails.reasoningTokens).toBe(7);
    expect(out.usage.inputTokenDetails.cacheReadTokens).toBe(12);
  });

  it("takes inline <think> tags out of the answer when they arrive whole", async () => {
    const out = await run([{ content: TAGGED }]);
    expect(out.reasoning).toBe(THOUGHT);
    expect(out.text).toBe(ANSWER);
  });

  it("handles the tags split at every position of a chunk boundary", async () => {
    for (let k = 1; k < TAGGED.length; k++) {
      const out = await run(splitAt(TAGGED, k).map((content) => ({ content })));
      expect({ k, reasoning: out.reasoning, text: out.text }).toEqual({
        k,
        reasoning: THOUGHT,
        text: ANSWER,
      });
      expect(out.openAtEnd).toBe(0);
    }
  });

  it("handles one character per chunk", async () => {
    const out = await run([...TAGGED].map((content) => ({ content })));
    expect(out.reasoning).toBe(THOUGHT);
    expect(out.text).toBe(ANSWER);
  });

  it("ends a <think> that never closes as reasoning, with no tag text in the answer", async () => {
    const unclosed = `<think>${THOUGHT}and still thinking when the limit hit`;
    for (let k = 1; k < unclosed.length; k++) {
      const out = await run(
        splitAt(unclosed, k).map((content) => ({ content })),
        "length",
      );
      expect(out.text).toBe("");
      expect(out.reasoning).toBe(`${THOUGHT}and still thinking when the limit hit`);
      expect(out.openAtEnd).toBe(0);
      expect(out.reasoningParts).toBe(1);
    }
  });

  it("leaves an answer without tags alone, angle brackets included", async () => {
    const out = await run([{ content: "Use " }, { content: "<b>bold</b> and a < b." }]);
    expect(out.reasoning).toBe("");
    expect(out.text).toBe("Use <b>bold</b> and a < b.");
    expect(out.reasoningParts).toBe(0);
  });
});
