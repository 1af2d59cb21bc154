// @vitest-environment node
import { describe, expect, it } from "vitest";
import { postChat, streamChunks, userTurn, withEmulator } from "./testkit.ts";

// Per-conversation settings through the real route: what reaches Chutes, and what is refused.

const emulator = withEmulator();
const MODEL = "Qwen/Qwen3-32B";

const sentUpstream = () =>
  emulator().requests({ path: "/llm/v1/chat/completions" })[0]?.body as Record<string, unknown> & {
    messages: Array<{ role: string; content: string }>;
  };

describe("chat settings", () => {
  it("sends the system prompt, temperature, top-p, output limit and reasoning effort upstream", async () => {
    const response = await postChat({
      model: MODEL,
      messages: [userTurn("Hello?")],
      settings: {
        systemPrompt: "Answer like a pirate.",
        temperature: 0.3,
        topP: 0.9,
        maxOutputTokens: 12,
        reasoningEffort: "low",
      },
    });
    expect(response.status).toBe(200);
    const parts = await streamChunks(response);
    expect(parts.find((p) => p.type === "finish")).toMatchObject({ finishReason: "length" });
    const body = sentUpstream();
    expect(body).toMatchObject({ temperature: 0.3, top_p: 0.9, max_tokens: 12, reasoning_effort: "low" });
    const system = body.messages.find((m) => m.role === "system")?.content ?? "";
    expect(system).toContain("Answer like a pirate.");
    // The app's own rules stay first: the user's prompt adds to them.
    expect(system.indexOf("Answer like a pirate.")).toBeGreaterThan(0);
  });

  it("sends none of them when none is set, so the model's defaults apply", async () => {
    const response = await postChat({ model: MODEL, messages: [userTurn("Hello?")] });
    await response.text();
    const body = sentUpstream();
    for (const key of ["temperature", "top_p", "max_tokens", "reasoning_effort"])
      expect(body).not.toHaveProperty(key);
  });

  it.each([
    ["temperature", 2.5, /settings\.temperature: between 0 and 2/],
    ["temperature", -0.1, /settings\.temperature: between 0 and 2/],
    ["topP", 0, /settings\.topP: between 0\.01 and 1/],
    ["topP", 1.5, /settings\.topP: between 0\.01 and 1/],
    ["maxOutputTokens", 0, /settings\.maxOutputTokens: at least 1/],
    ["maxOutputTokens", 12.5, /settings\.maxOutputTokens: a whole number/],
    ["reasoningEffort", "extreme", /settings\.reasoningEffort: low, medium or high/],
    ["systemPrompt", "x".repeat(8001), /settings\.systemPrompt: at most 8000 characters/],
  ])("refuses %s = %s with a 400 naming the field, before calling Chutes", async (field, value, message) => {
    const response = await postChat({
      model: MODEL,
      messages: [userTurn("Hello?")],
      settings: { [field]: value },
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("invalid_request");
    expect(body.error.message).toMatch(message);
    expect(emulator().requests({ path: "/llm/v1/chat/completions" })).toHaveLength(0);
  });

  it("refuses an unknown setting", async () => {
    const response = await postChat({ model: MODEL, messages: [userTurn("Hi")], settings: { top_k: 3 } });
    expect(response.status).toBe(400);
  });
});
