// @vitest-environment node
import { describe, expect, it } from "vitest";
import { StreamIncompleteError } from "../upstream/classify.ts";
import { withChatStreamStage } from "./coalesceDeltas.ts";

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

// The [DONE] check lives in the chat stream's one parsing stage (coalesceDeltas.ts).
describe("the chat stream's completion check", () => {
  it("passes a complete stream through unchanged, [DONE] split across reads included", async () => {
    const chunks = ['data: {"a":1}\n\n', "data: [DO", "NE]\n\n"];
    const response = await withChatStreamStage(sseResponse(chunks))("https://x");
    expect(await readAll(response)).toBe(chunks.join(""));
  });

  it("errors a stream that ends without [DONE], as Chutes' failed streams do", async () => {
    const chunks = [
      'data: {"choices":[{"delta":{"content":"Hel"}}]}\n\n',
      '{"error":"Unhandled exception during response stream: boom"}',
    ];
    const response = await withChatStreamStage(sseResponse(chunks))("https://x");
    await expect(readAll(response)).rejects.toBeInstanceOf(StreamIncompleteError);
  });

  it("does not take model text that reads `data: [DONE]` for the end", async () => {
    const text = JSON.stringify({ choices: [{ delta: { content: "\ndata: [DONE]\n\n" } }] });
    const response = await withChatStreamStage(sseResponse([`data: ${text}\n\n`]))("https://x");
    await expect(readAll(response)).rejects.toBeInstanceOf(StreamIncompleteError);
  });

  it("ends a stream cut inside an event as incomplete, the events before it delivered", async () => {
    const chunks = ['data: {"a":1}\n\n', 'data: {"choices":[{"del'];
    const response = await withChatStreamStage(sseResponse(chunks))("https://x");
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toBe('data: {"a":1}\n\n');
    await expect(reader.read()).rejects.toBeInstanceOf(StreamIncompleteError);
  });

  it("leaves JSON and error responses alone", async () => {
    const fetchJson: typeof fetch = async () => Response.json({ detail: "x" }, { status: 402 });
    const response = await withChatStreamStage(fetchJson)("https://x");
    expect(response.status).toBe(402);
    expect(await response.json()).toEqual({ detail: "x" });
  });
});
