// @vitest-environment node
import { createParser } from "eventsource-parser";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { withChatStreamStage } from "@/src/lib/chutes/coalesceDeltas.ts";
import { StreamIncompleteError } from "@/src/lib/upstream/classify.ts";

// The chat stream's stage (the [DONE] check and the joining of deltas) reads the stream as it
// arrives, in whatever pieces the network cuts it into. Property: any split of a stream into chunks
// (even inside a multi-byte character) gives the same answer text and the same verdict as the
// stream in one piece. (How the deltas are joined depends on the reads; the text does not.)

const encoder = new TextEncoder();

function serve(chunks: Uint8Array[]): typeof fetch {
  return async () =>
    new Response(
      new ReadableStream<Uint8Array>({
        start(controller) {
          for (const chunk of chunks) controller.enqueue(chunk);
          controller.close();
        },
      }),
      { headers: { "content-type": "text/event-stream" } },
    );
}

/** The answer text the events carry, in order. */
function answerText(sse: string): string {
  let text = "";
  const parser = createParser({
    onEvent: ({ data }) => {
      if (data !== "[DONE]") text += JSON.parse(data).choices[0].delta.content;
    },
  });
  parser.feed(sse);
  return text;
}

async function outcome(chunks: Uint8Array[]): Promise<{ text: string; complete: boolean }> {
  const response = await withChatStreamStage(serve(chunks))("https://chutes.test/v1/chat/completions");
  const reader = response.body?.getReader();
  const parts: Uint8Array[] = [];
  try {
    for (;;) {
      const { done, value } = (await reader?.read()) ?? { done: true, value: undefined };
      if (done) break;
      parts.push(value);
    }
    return { text: answerText(Buffer.concat(parts).toString("utf8")), complete: true };
  } catch (error) {
    expect(error).toBeInstanceOf(StreamIncompleteError);
    return { text: answerText(Buffer.concat(parts).toString("utf8")), complete: false };
  }
}

function split(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let start = 0;
  for (const point of [...points, bytes.length]) {
    if (point > start) chunks.push(bytes.subarray(start, point));
    start = Math.max(start, point);
  }
  return chunks;
}

// Model text may itself contain SSE-looking text; it must never count as the end of the stream.
const content = fc.oneof(
  fc.string({ unit: "grapheme", maxLength: 40 }),
  fc.constantFrom("data: [DONE]", "data: [DONE]abcd", "\ndata: [DONE]\n", "data:[DONE]"),
);
const event = (text: string) => `data: ${JSON.stringify({ choices: [{ delta: { content: text } }] })}\n\n`;
const ending = fc.constantFrom(
  "data: [DONE]\n\n",
  "data:[DONE]\n\n",
  "", // cut off
  '{"error":"Unhandled exception during response stream"}', // Chutes' raw error line
);
const stream = fc
  .tuple(fc.array(content, { maxLength: 12 }), ending)
  .map(([texts, end]) => ({ texts, sse: texts.map(event).join("") + end }));

describe("stream completion check: chunking does not change the result", () => {
  it("gives the same bytes and verdict for any split of a stream", async () => {
    await fc.assert(
      fc.asyncProperty(stream, fc.array(fc.nat(), { maxLength: 20 }), async ({ texts, sse }, cuts) => {
        const bytes = encoder.encode(sse);
        const whole = await outcome([bytes]);
        const pieces = await outcome(split(bytes, cuts));
        expect(pieces).toEqual(whole);
        expect(whole.text).toBe(texts.join(""));
        expect(whole.complete).toBe(/(^|\n)data: ?\[DONE\]/.test(sse));
      }),
      { numRuns: 400 },
    );
  });

  it("gives the same verdict byte by byte", async () => {
    await fc.assert(
      fc.asyncProperty(stream, async ({ sse }) => {
        const bytes = encoder.encode(sse);
        const oneByOne = Array.from(bytes, (b) => Uint8Array.of(b));
        expect(await outcome(oneByOne)).toEqual(await outcome([bytes]));
      }),
      { numRuns: 150 },
    );
  });
});
