// @vitest-environment node
import { NextRequest } from "next/server";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { API_KEY_HEADER } from "@/src/lib/chutesAuth.ts";
import { resetConfigForTests } from "@/src/lib/config.ts";
import { ADMIN_KEY } from "@/tests/emulator/fixtures.ts";
import { type EmulatorHandle, startEmulator } from "@/tests/emulator/server.ts";
import { POST } from "./route.ts";

// Reasoning models through the real route and the real emulator: each shape of thinking becomes
// reasoning parts, the answer carries no tag text, and earlier thinking is not sent back.

let emulator: EmulatorHandle;
beforeAll(async () => {
  emulator = await startEmulator({ port: 0, tokenDelayMs: 0 });
  process.env.CHUTES_API_URL = emulator.url;
  process.env.CHUTES_LLM_URL = `${emulator.url}/llm/v1`;
  resetConfigForTests();
});
afterAll(async () => {
  await emulator.close();
  delete process.env.CHUTES_API_URL;
  delete process.env.CHUTES_LLM_URL;
  resetConfigForTests();
});
beforeEach(() => emulator.reset());

type Part = { type: string; [k: string]: unknown };

function post(body: Record<string, unknown>) {
  return POST(
    new NextRequest("http://localhost:3000/api/chat", {
      method: "POST",
      headers: {
        "content-type": "application/json",
        origin: "http://localhost:3000",
        host: "localhost:3000",
        [API_KEY_HEADER]: ADMIN_KEY,
      },
      body: JSON.stringify(body),
    }),
  );
}

async function chunks(response: Response): Promise<Part[]> {
  return (await response.text())
    .split("\n\n")
    .map((event) => event.replace(/^data: /, "").trim())
    .filter((data) => data && data !== "[DONE]")
    .map((data) => JSON.parse(data));
}

const joined = (parts: Part[], type: string) =>
  parts
    .filter((p) => p.type === type)
    .map((p) => p.delta)
    .join("");

const QUESTION = "Why is the sky blue?";
const ask = (model: string) =>
  post({ model, messages: [{ id: "u1", role: "user", parts: [{ type: "text", text: QUESTION }] }] });

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
    const sent = JSON.stringify(emulator.requests({ path: "/llm/v1/chat/completions" })[0]?.body);
    expect(sent).toContain("First answer.");
    expect(sent).not.toContain(secret);
  });
});
