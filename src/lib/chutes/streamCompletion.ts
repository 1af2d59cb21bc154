import "server-only";
import { StreamIncompleteError } from "../upstream/classify.ts";

// Chutes ends a failed stream by writing a raw, non-SSE `{"error": ...}` line and closing without
// `data: [DONE]`. SSE parsers drop that line, so the only reliable signal is the missing [DONE]:
// this fetch wrapper turns it into a stream error the chat route can name.

const DONE_LINE = /^data: ?\[DONE\]/;
/** Enough of a line's start to recognise `data: [DONE]` when a chunk boundary splits it. */
const PREFIX_CHARS = 13;

export function withStreamCompletionCheck(fetchImpl: typeof fetch = fetch): typeof fetch {
  return async (input, init) => {
    const response = await fetchImpl(input, init);
    const isStream = response.headers.get("content-type")?.includes("text/event-stream");
    if (!response.ok || !response.body || !isStream) return response;

    const decoder = new TextDecoder();
    let sawDone = false;
    // [DONE] counts only at the start of a line: model text that contains "data: [DONE]" is not it.
    let linePrefix = "";
    // A pull source over the body's reader rather than a TransformStream: one stage fewer of
    // the web-streams machinery for every chunk of every answer.
    const reader = response.body.getReader();
    const checked = new ReadableStream<Uint8Array>(
      {
        async pull(controller) {
          const { done, value } = await reader.read();
          if (done) {
            if (sawDone) controller.close();
            else controller.error(new StreamIncompleteError("Chutes ended the stream without [DONE]"));
            return;
          }
          if (!sawDone) {
            const lines = decoder.decode(value, { stream: true }).split("\n");
            lines[0] = linePrefix + lines[0];
            sawDone = lines.some((line) => DONE_LINE.test(line));
            linePrefix = (lines.at(-1) ?? "").slice(0, PREFIX_CHARS);
          }
          controller.enqueue(value);
        },
        cancel: (reason) => reader.cancel(reason),
      },
      { highWaterMark: 0 },
    );
    return new Response(checked, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  };
}
