import "server-only";
import type { EventSourceMessage } from "eventsource-parser";
import { StreamIncompleteError } from "../upstream/classify.ts";

// Chutes ends a failed stream by writing a raw, non-SSE `{"error": ...}` line and closing without
// `data: [DONE]`. SSE parsers drop that line, so the only reliable signal is the missing [DONE]:
// this check turns it into a stream error the chat route can name. It watches the events of the one
// stage that parses the upstream stream (coalesceDeltas.ts) rather than scanning the bytes again in
// a stage of its own: one more web-stream stage and line scan cost every chunk of every answer.

export interface CompletionCheck {
  /** Each event the upstream sent, in order. */
  see(event: EventSourceMessage): void;
  /** At the stream's end: the error to end it with, when it never said [DONE]. */
  failure(): StreamIncompleteError | undefined;
}

export function completionCheck(): CompletionCheck {
  let sawDone = false;
  return {
    see(event) {
      // An SSE event's data, so [DONE] counts only as a whole `data:` field at a line's start:
      // model text that contains "data: [DONE]" is inside a JSON string, never that.
      if (event.data === "[DONE]") sawDone = true;
    },
    failure: () =>
      sawDone ? undefined : new StreamIncompleteError("Chutes ended the stream without [DONE]"),
  };
}
