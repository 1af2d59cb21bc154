// @vitest-environment node
import { streamText } from "ai";
import { describe, expect, it } from "vitest";
import { coalesceDeltas } from "./coalesceDeltas.ts";
import { chatModelFor } from "./provider.ts";

// What the engine sends, as Chutes passes it through: usage and a verification field on every
// chunk, `content: null` beside thinking, a usage-only chunk, then [DONE].
const base = { id: "chatcmpl-1", object: "chat.completion.chunk", created: 1, model: "m" };
type Delta = Record<string, unknown>;
const chunk = (delta: Delta, n: number, finish: string | null = null) => ({
  ...base,
  choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
  usage: { prompt_tokens: 5, completion_tokens: n, total_tokens: 5 + n },
  chutes_verification: `v${n}`,
});
const event = (payload: unknown) => `data: ${JSON.stringify(payload)}\n\n`;
/** A stream without it ends in the completion check's error (streamCompletion.test.ts). */
const DONE = "data: [DONE]\n\n";
const usageOnly = {
  ...base,
  choices: [],
  usage: { prompt_tokens: 5, completion_tokens: 9, total_tokens: 14 },
};

/** Writes each read into the stage and collects what comes out of it after that read. */
async function throughStage(reads: string[]): Promise<string[]> {
  const stage = coalesceDeltas();
  const writer = stage.writable.getWriter();
  const reader = stage.readable.getReader();
  const outputs: string[] = [];
  const decoder = new TextDecoder();
  for (const read of reads) {
    void writer.write(new TextEncoder().encode(read));
    const { value } = await reader.read();
    outputs.push(decoder.decode(value));
  }
  void writer.close();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    outputs.push(decoder.decode(value));
  }
  return outputs;
}

const dataOf = (sse: string) =>
  sse
    .split("\n\n")
    .filter(Boolean)
    .map((line) => line.replace(/^data: /, ""))
    .map((data) => (data === "[DONE]" ? data : JSON.parse(data)));

describe("coalesceDeltas", () => {
  it("joins the text deltas that arrived in one read, keeping the last usage and the finish", async () => {
    const read =
      event(chunk({ role: "assistant", content: "" }, 0)) +
      event(chunk({ content: "Hel" }, 1)) +
      event(chunk({ content: "lo" }, 2)) +
      event(chunk({ content: "!" }, 3, "stop")) +
      event(usageOnly) +
      "data: [DONE]\n\n";
    const [out] = await throughStage([read]);
    const events = dataOf(out ?? "");
    expect(events).toHaveLength(3);
    expect(events[0].choices[0].delta).toEqual({ role: "assistant", content: "Hello!" });
    expect(events[0].choices[0].finish_reason).toBe("stop");
    expect(events[0].usage.completion_tokens).toBe(3);
    expect(events[0].chutes_verification).toBe("v3");
    expect(events[1]).toEqual(usageOnly);
    expect(events[2]).toBe("[DONE]");
  });

  it("sends what a read completed with that read and keeps only a partial event's tail", async () => {
    const first = event(chunk({ content: "A" }, 1)) + event(chunk({ content: "B" }, 2));
    const second = `${event(chunk({ content: "C" }, 3))}data: [DONE]\n\n`;
    const outputs = await throughStage([first + second.slice(0, 20), second.slice(20)]);
    expect(
      outputs.map((out) => dataOf(out).map((e) => (e === "[DONE]" ? e : e.choices[0].delta.content))),
    ).toEqual([["AB"], ["C", "[DONE]"]]);
  });

  it("never joins thinking with the answer, a tool call, or across the finishing chunk", async () => {
    const read =
      event(chunk({ content: null, reasoning_content: "think " }, 1)) +
      event(chunk({ content: null, reasoning_content: "more" }, 2)) +
      event(chunk({ content: "Answer" }, 3)) +
      event(chunk({ tool_calls: [{ index: 0, id: "t", function: { name: "f", arguments: "" } }] }, 4)) +
      event(chunk({ content: "a" }, 5, "stop")) +
      event(chunk({ content: "b" }, 6));
    const [out] = await throughStage([read, DONE]);
    const deltas = dataOf(out ?? "").map((e) => e.choices[0].delta);
    expect(deltas).toEqual([
      { content: null, reasoning_content: "think more" },
      { content: "Answer" },
      { tool_calls: [{ index: 0, id: "t", function: { name: "f", arguments: "" } }] },
      { content: "a" },
      { content: "b" },
    ]);
  });

  it("passes through what it does not know: named events, unknown fields, and text that is not JSON", async () => {
    const odd = { ...chunk({ content: "x" }, 1), extra: true };
    const read = `event: ping\ndata: {}\n\n${event(odd)}${event(chunk({ content: "y" }, 2))}data: not json\n\n`;
    const [out] = await throughStage([read, DONE]);
    expect(out).toContain("event: ping\ndata: {}\n\n");
    expect(out).toContain('"extra":true');
    // The chunk with the unknown field is not joined with the plain one after it.
    expect(out).toContain(event(chunk({ content: "y" }, 2)));
    expect(out?.endsWith("data: not json\n\n")).toBe(true);
  });

  it("gives the chat model the same answer and reasoning as the unjoined stream", async () => {
    const frames = [
      event(chunk({ role: "assistant", content: "" }, 0)),
      ...["<thi", "nk>plan", " it</th", "ink>The ", "answer", "."].map((content, i) =>
        event(chunk({ content }, i + 1)),
      ),
      event(chunk({ content: "" }, 7, "stop")),
      event(usageOnly),
      "data: [DONE]\n\n",
    ];
    const answerOf = async (reads: string[]) => {
      const fetchImpl: typeof fetch = async () =>
        new Response(
          new ReadableStream({
            start(controller) {
              for (const read of reads) controller.enqueue(new TextEncoder().encode(read));
              controller.close();
            },
          }),
          { headers: { "content-type": "text/event-stream" } },
        );
      const model = chatModelFor(
        { provider: "chutes", kind: "key", token: "cpk_test" } as never,
        "m",
        {
          CHUTES_LLM_URL: "https://llm.test/v1",
          OPENROUTER_API_URL: "https://or.test/api/v1",
        },
        fetchImpl,
      );
      const result = streamText({ model, prompt: "q" });
      return {
        text: await result.text,
        reasoning: await result.reasoningText,
        usage: (await result.usage).outputTokens,
      };
    };
    const oneReadEach = await answerOf(frames);
    const allInOne = await answerOf([frames.join("")]);
    expect(allInOne).toEqual(oneReadEach);
    expect(allInOne.text).toBe("The answer.");
    expect(allInOne.reasoning).toBe("plan it");
  });
});
