// @vitest-environment node
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ADMIN_KEY } from "./fixtures.ts";
import { splitAcrossTags } from "./llm.ts";
import { type EmulatorHandle, startEmulator } from "./server.ts";
import { chatRequest, contentOf, parseSse, reasoningOf, userMessage } from "./testkit.ts";

// Reasoning models stream their thinking in the shapes real engines use (protocol notes §8).

let emu: EmulatorHandle;
beforeAll(async () => {
  emu = await startEmulator({ port: 0, tokenDelayMs: 0 });
});
afterAll(() => emu.close());
beforeEach(() => emu.reset());

type Usage = {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  completion_tokens_details?: { reasoning_tokens: number };
  prompt_tokens_details?: { cached_tokens: number };
};

async function stream(model: string, question: string, extra: Record<string, unknown> = {}) {
  const response = await chatRequest(emu.url, ADMIN_KEY, {
    model,
    stream: true,
    messages: userMessage(question),
    ...extra,
  });
  expect(response.status).toBe(200);
  const parsed = parseSse(await response.text());
  expect(parsed.done).toBe(true);
  const final = parsed.events.at(-1) as { choices: unknown[]; usage: Usage };
  expect(final.choices).toEqual([]);
  return { parsed, usage: final.usage };
}

const QUESTION = "Why is the sky blue?";

describe("reasoning models", () => {
  it.each([
    ["deepseek-ai/DeepSeek-R1-0528-TEE", "reasoning_content"],
    ["Qwen/Qwen3-235B-A22B-Thinking-2507", "reasoning"],
  ] as const)("%s thinks in %s deltas, counted as reasoning tokens", async (model, field) => {
    const { parsed, usage } = await stream(model, QUESTION);
    const thinking = reasoningOf(parsed, field);
    expect(thinking).toContain(`The user wants to know: "${QUESTION}"`);
    expect(reasoningOf(parsed, field === "reasoning" ? "reasoning_content" : "reasoning")).toBe("");
    const answer = contentOf(parsed);
    expect(answer.startsWith(`You asked: "${QUESTION}".`)).toBe(true);
    const reasoningTokens = usage.completion_tokens_details?.reasoning_tokens ?? 0;
    expect(reasoningTokens).toBe(thinking.match(/\s*\S+/g)?.length);
    // Thinking is billed as output: it is part of completion_tokens.
    expect(usage.completion_tokens).toBe(parsed.events.length - 1);
    expect(usage.completion_tokens).toBeGreaterThan(reasoningTokens);
  });

  it("streams inline <think> tags split across chunks, with no reasoning_tokens reported", async () => {
    const { parsed, usage } = await stream("zai-org/GLM-4.5-Air", QUESTION);
    const content = contentOf(parsed);
    expect(content.startsWith("<think>\n")).toBe(true);
    expect(content).toMatch(/\n<\/think>\n\nYou asked:/);
    const pieces = parsed.events
      .slice(0, -1)
      .map((e) => (e.choices as Array<{ delta: { content: string } }>)[0]?.delta.content);
    expect(pieces).not.toContain("<think>");
    expect(pieces.some((p) => p?.endsWith("<") || /<\/?t?h?i?n?k?$/.test(p ?? ""))).toBe(true);
    expect(usage.completion_tokens_details).toBeUndefined();
  });

  it("opens <think> and never closes it on the unclosed model", async () => {
    const { parsed } = await stream("tngtech/DeepSeek-TNG-R1T2-Chimera", QUESTION);
    const content = contentOf(parsed);
    expect(content.startsWith("<think>")).toBe(true);
    expect(content).not.toContain("</think>");
    expect(content).not.toContain("You asked");
  });

  it("counts thinking against max_tokens, so a low limit ends inside the thinking", async () => {
    const { parsed, usage } = await stream("zai-org/GLM-4.5-Air", QUESTION, { max_tokens: 6 });
    expect(contentOf(parsed)).not.toContain("</think>");
    expect(usage.completion_tokens).toBe(6);
  });

  it("reports cached prompt tokens for the earlier part of a conversation", async () => {
    const response = await chatRequest(emu.url, ADMIN_KEY, {
      model: "Qwen/Qwen3-32B",
      stream: true,
      messages: [
        { role: "user", content: "First question" },
        { role: "assistant", content: "First answer" },
        { role: "user", content: "Second question" },
      ],
    });
    const final = parseSse(await response.text()).events.at(-1) as { usage: Usage };
    expect(final.usage.prompt_tokens_details?.cached_tokens).toBeGreaterThan(0);
    expect(final.usage.prompt_tokens_details?.cached_tokens).toBeLessThan(final.usage.prompt_tokens);
  });

  it("returns the thinking in the message of a non-streamed completion", async () => {
    const response = await chatRequest(emu.url, ADMIN_KEY, {
      model: "deepseek-ai/DeepSeek-R1-0528-TEE",
      messages: userMessage(QUESTION),
    });
    const body = await response.json();
    expect(body.choices[0].message.reasoning_content).toContain("The user wants to know");
    expect(body.choices[0].message.content.startsWith("You asked")).toBe(true);
    expect(body.usage.completion_tokens_details.reasoning_tokens).toBeGreaterThan(0);
  });
});

describe("splitAcrossTags", () => {
  it("keeps the text intact and never sends a whole tag in one chunk", () => {
    for (const seed of ["a", "b", "c", "d", "e", "f", "g"]) {
      const text = "<think>\nsome thought here\n</think>\n\nThe answer.";
      const pieces = splitAcrossTags(text, seed);
      expect(pieces.join("")).toBe(text);
      for (const piece of pieces) {
        expect(piece.includes("<think>")).toBe(false);
        expect(piece.includes("</think>")).toBe(false);
      }
    }
  });
});
