// @vitest-environment node
import type { UIMessageChunk } from "ai";
import { describe, expect, it } from "vitest";
import { respondOnFirstChunk } from "./respondOnFirstChunk.ts";

// What the browser receives once respondOnFirstChunk has replayed the first chunks: the UI message
// stream's events, in order, the first delta not held back, a failure after the text that came.

type Chunk = UIMessageChunk;
const start: Chunk[] = [{ type: "start" }, { type: "start-step" }, { type: "text-start", id: "t" }];
const delta = (text: string, id = "t"): Chunk => ({ type: "text-delta", id, delta: text });
const end: Chunk[] = [{ type: "text-end", id: "t" }, { type: "finish-step" }, { type: "finish" }];

/** A source whose chunks the test hands over one group at a time. */
function source() {
  let controller!: ReadableStreamDefaultController<Chunk>;
  const stream = new ReadableStream<Chunk>({
    start(c) {
      controller = c;
    },
  });
  return {
    stream,
    send: (...chunks: Chunk[]) => {
      for (const chunk of chunks) controller.enqueue(chunk);
    },
    close: () => controller.close(),
    fail: (error: unknown) => controller.error(error),
  };
}

/** Reads SSE events off the body as they arrive. */
function events(response: Response) {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  const seen: string[] = [];
  let tail = "";
  return {
    seen,
    /** Reads until `count` events have arrived (or the body ends). */
    async until(count: number) {
      while (seen.length < count) {
        const { done, value } = await reader.read();
        if (done) return;
        const parts = (tail + decoder.decode(value, { stream: true })).split("\n\n");
        tail = parts.pop() ?? "";
        seen.push(...parts);
      }
    },
    chunks: () => seen.filter((e) => e !== "data: [DONE]").map((e) => JSON.parse(e.slice(6)) as Chunk),
  };
}
const text = (chunks: Chunk[]) =>
  chunks.map((c) => (c.type === "text-delta" || c.type === "reasoning-delta" ? c.delta : "")).join("");

describe("respondOnFirstChunk's stream", () => {
  it("sends the first delta without waiting for the next one", async () => {
    const upstream = source();
    upstream.send(...start);
    const response = await respondOnFirstChunk(upstream.stream, () => ({}), String);
    const body = events(response);
    await body.until(3);
    upstream.send(delta("Hel"));
    // The upstream sends nothing more until the first delta has reached the client.
    await body.until(4);
    expect(body.chunks().at(-1)).toEqual(delta("Hel"));
    upstream.send(delta("lo"), ...end);
    upstream.close();
    await body.until(Number.POSITIVE_INFINITY);
    expect(text(body.chunks())).toBe("Hello");
    expect(body.seen.at(-1)).toBe("data: [DONE]");
  });

  it("keeps reasoning and text apart and in order, even when a text delta shares the reasoning id", async () => {
    const upstream = source();
    upstream.send(
      { type: "start" },
      { type: "reasoning-start", id: "r" },
      // A text delta that shares the reasoning part's id: a different part.
      delta("Think", "r"),
      { type: "reasoning-delta", id: "r", delta: "ing" },
      { type: "reasoning-delta", id: "r", delta: " hard" },
      { type: "reasoning-end", id: "r" },
      { type: "text-start", id: "t" },
      delta("An"),
      delta("swer"),
      ...end,
    );
    upstream.close();
    const body = events(await respondOnFirstChunk(upstream.stream, () => ({}), String));
    await body.until(Number.POSITIVE_INFINITY);
    const chunks = body.chunks();
    const partText = (type: Chunk["type"]) =>
      text(chunks.filter((c) => c.type === type && c.type.endsWith("delta")));
    expect(partText("reasoning-delta")).toBe("ing hard");
    expect(partText("text-delta")).toBe("ThinkAnswer");
    const order = chunks.map((c) => ("id" in c ? `${c.type}:${c.id}` : c.type));
    expect(order.indexOf("reasoning-end:r")).toBeLessThan(order.indexOf("text-start:t"));
    expect(order.filter((o) => o.startsWith("text-delta:r")).length).toBe(1);
    expect(order.indexOf("text-delta:r")).toBeLessThan(order.indexOf("reasoning-delta:r"));
  });

  it("ends a failed read with the error part after the text that arrived, then [DONE]", async () => {
    const upstream = source();
    upstream.send(...start, delta("Par"));
    const response = await respondOnFirstChunk(
      upstream.stream,
      () => ({}),
      (e) => `encoded ${String(e)}`,
    );
    const body = events(response);
    await body.until(4);
    upstream.send(delta("tial"));
    upstream.fail(new Error("boom"));
    await body.until(Number.POSITIVE_INFINITY);
    const chunks = body.chunks();
    expect(text(chunks)).toBe("Partial");
    expect(chunks.at(-1)).toEqual({ type: "error", errorText: "encoded Error: boom" });
    expect(body.seen.at(-1)).toBe("data: [DONE]");
  });
});
