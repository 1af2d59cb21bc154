// @vitest-environment node
import { describe, expect, it } from "vitest";
import { StreamIncompleteError } from "../upstream/classify.ts";
import { withStreamCompletionCheck } from "./streamCompletion.ts";

function sseResponse(chunks: string[]): typeof fetch {
  return async () =>
    new Response(
      new ReadableStream<Uint8Array>({
        start(controller) {
          for (const chunk of chunks) controller.enqueue(new TextEncoder().encode(chunk));
          controller.close();
        },
      }),
      { headers: { "content-type": "text/event-stream" } },
    );
}

async function readAll(response: Response): Promise<string> {
  return await response.text();
}

describe("withStreamCompletionCheck", () => {
  it("passes a complete stream through unchanged", async () => {
    const chunks = ['data: {"a":1}\n\n', "data: [DO", "NE]\n\n"];
    const response = await withStreamCompletionCheck(sseResponse(chunks))("https://x");
    expect(await readAll(response)).toBe(chunks.join(""));
  });

  it("errors a stream that ends without [DONE], as Chutes' failed streams do", async () => {
    const chunks = [
      'data: {"choices":[{"delta":{"content":"Hel"}}]}\n\n',
      '{"error":"Unhandled exception during response stream: boom"}',
    ];
    const response = await withStreamCompletionCheck(sseResponse(chunks))("https://x");
    await expect(readAll(response)).rejects.toBeInstanceOf(StreamIncompleteError);
  });

  it("leaves JSON and error responses alone", async () => {
    const fetchJson: typeof fetch = async () => Response.json({ detail: "x" }, { status: 402 });
    const response = await withStreamCompletionCheck(fetchJson)("https://x");
    expect(response.status).toBe(402);
    expect(await response.json()).toEqual({ detail: "x" });
  });
});
