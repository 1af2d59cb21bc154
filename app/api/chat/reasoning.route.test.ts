// @vitest-environment node
import { describe, expect, it } from "vitest";
import {
  streamChunks as chunks,
  joinedDeltas as joined,
  postChat as post,
  userTurn,
  withEmulator,
} from "./testkit.ts";

// Reasoning models through the real route and the real emulator: each shape of thinking becomes
// reasoning parts, the answer carries no tag text, and earlier thinking is not sent back.

const emulatorOf = withEmulator();

const QUESTION = "Why is the sky blue?";
const ask = (model: string) => post({ model, messages: [userTurn(QUESTION)] });

type Finish = {
  messageMetadata: { usage: { outputTokens: number; reasoningTokens?: number }; reasoningMs?: number };
};

describe("reasoning through /api/chat", () => {
  it.each([
    ["deepseek-ai/DeepSeek-R1-0528-TEE", true],
    ["Qwen/Qwen3-235B-A22B-Thinking-2507", true],
    ["zai-org/GLM-4.5-Air", false],
  ])("%s: thinking as reasoning parts, a clean answer", async (model, reportsTokens) => {
    const response = await ask(model);
    expect(response.status).toBe(200);
    const parts = await chunks(response);
    const thinking = joined(parts, "reasoning-delta");
    const answer = joined(parts, "text-delta");
    expect(thinking).toContain(`The user wants to know: "${QUESTION}"`);
    expect(answer.trim().startsWith(`You asked: "${QUESTION}".`)).toBe(true);
    expect(answer).not.toMatch(/<\/?think|think>/);
    expect(parts.filter((p) => p.type === "reasoning-start")).toHaveLength(1);
    expect(parts.filter((p) => p.type === "reasoning-end")).toHaveLength(1);
    const finish = parts.find((p) => p.type === "finish") as unknown as Finish;
    expect(finish.messageMetadata.reasoningMs).toBeGreaterThanOrEqual(0);
    if (reportsTokens) {
      expect(finish.messageMetadata.usage.reasoningTokens).toBeGreaterThan(0);
      expect(finish.messageMetadata.usage.outputTokens).toBeGreaterThan(
        finish.messageMetadata.usage.reasoningTokens ?? 0,
      );
    } else expect(finish.messageMetadata.usage.reasoningTokens).toBeUndefined();
  });

  it("ends an unclosed <think> as thinking, with no answer text and no tag", async () => {
    const parts = await chunks(await ask("tngtech/DeepSeek-TNG-R1T2-Chimera"));
    expect(joined(parts, "reasoning-delta")).toContain("The user wants to know");
    expect(joined(parts, "text-delta")).not.toMatch(/think/);
    expect(parts.filter((p) => p.type === "reasoning-end")).toHaveLength(1);
  });

  it("does not send earlier thinking back upstream", async () => {
    const secret = "EARLIER-THOUGHT-42";
    const response = await post({
      model: "deepseek-ai/DeepSeek-R1-0528-TEE",
      messages: [
        { id: "u1", role: "user", parts: [{ type: "text", text: "First?" }] },
        {
          id: "a1",
          role: "assistant",
          parts: [
            { type: "reasoning", text: secret, state: "done" },
            { type: "text", text: "First answer.", state: "done" },
          ],
        },
        { id: "u2", role: "user", parts: [{ type: "text", text: "Second?" }] },
      ],
    });
    expect(response.status).toBe(200);
    await response.text();
    const sent = JSON.stringify(emulatorOf().requests({ path: "/llm/v1/chat/completions" })[0]?.body);
    expect(sent).toContain("First answer.");
    expect(sent).not.toContain(secret);
  });
});
