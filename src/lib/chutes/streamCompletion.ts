import "server-only";
import { StreamIncompleteError } from "../upstream/classify.ts";
import { withEventStreamStage } from "./eventStreamFetch.ts";

// Chutes ends a failed stream by writing a raw, non-SSE `{"error": ...}` line and closing without
// `data: [DONE]`. SSE parsers drop that line, so the only reliable signal is the missing [DONE]:
// this fetch wrapper turns it into a stream error the chat route can name.

const DONE_LINE = /^data: ?\[DONE\]/;
/** Enough of a line's start to recognise `data: [DONE]` when a chunk boundary splits it. */
const PREFIX_CHARS = 13;

export function withStreamCompletionCheck(fetchImpl: typeof fetch = fetch): typeof fetch {
  return withEventStreamStage(fetchImpl, () => {
    const decoder = new TextDecoder();
    let sawDone = false;
    // [DONE] counts only at the start of a line: model text that contains "data: [DONE]" is not it.
    let linePrefix = "";
    return new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        if (!sawDone) {
          const lines = decoder.decode(chunk, { stream: true }).split("\n");
          lines[0] = linePrefix + lines[0];
          sawDone = lines.some((line) => DONE_LINE.test(line));
          linePrefix = (lines.at(-1) ?? "").slice(0, PREFIX_CHARS);
        }
        controller.enqueue(chunk);
      },
      flush(controller) {
        if (!sawDone) controller.error(new StreamIncompleteError("Chutes ended the stream without [DONE]"));
      },
    });
  });
}
