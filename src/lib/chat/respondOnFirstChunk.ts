import { createUIMessageStreamResponse, type UIMessageChunk } from "ai";
import { appError, decodeAppError, errorResponse } from "../errors.ts";

// Chutes holds its HTTP status until the first real chunk (protocol §4.5); so do we. Waiting for
// the first upstream answer lets a failure before any text (402, 429, 503, 401...) reach the
// browser as a real status with the error-table body, and lets headers set during the upstream
// call (a rotated session cookie) go out with the response.

const PREAMBLE = new Set<UIMessageChunk["type"]>(["start", "start-step"]);

export async function respondOnFirstChunk(
  stream: ReadableStream<UIMessageChunk>,
  headers: () => Record<string, string>,
): Promise<Response> {
  const reader = stream.getReader();
  const buffered: UIMessageChunk[] = [];
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (value.type === "error") {
      await reader.cancel();
      const error = decodeAppError(value.errorText) ?? appError("upstream_error");
      return errorResponse(error.code, error.message, { headers: headers() });
    }
    buffered.push(value);
    if (!PREAMBLE.has(value.type)) break;
  }

  const replay = new ReadableStream<UIMessageChunk>({
    start(controller) {
      for (const chunk of buffered) controller.enqueue(chunk);
    },
    async pull(controller) {
      const { done, value } = await reader.read();
      if (done) controller.close();
      else controller.enqueue(value);
    },
    async cancel(reason) {
      await reader.cancel(reason);
    },
  });
  return createUIMessageStreamResponse({ stream: replay, headers: headers() });
}
