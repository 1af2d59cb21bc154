import { createUIMessageStreamResponse, type UIMessageChunk } from "ai";
import { appError, appErrorResponse, decodeAppError, encodeAppError } from "../errors.ts";
import { trackStream } from "../server/inflight.ts";

// Chutes holds its HTTP status until the first real chunk (protocol §4.5); so do we. Waiting for
// the first upstream answer lets a failure before any text (402, 429, 503, 401...) reach the
// browser as a real status with the error-table body, and lets headers set during the upstream
// call (a rotated session cookie) go out with the response. After that, a failed read of the
// upstream (the AI SDK rejects the stream rather than emitting an error part) becomes the error
// part the client shows, after the text that already arrived.

const PREAMBLE = new Set<UIMessageChunk["type"]>(["start", "start-step"]);

export async function respondOnFirstChunk(
  stream: ReadableStream<UIMessageChunk>,
  headers: () => Record<string, string>,
  /** The error table's encoding of an upstream failure. */
  encodeError: (error: unknown) => string,
): Promise<Response> {
  const reader = stream.getReader();
  const buffered: UIMessageChunk[] = [];
  const failed = async (errorText: string) => {
    await reader.cancel().catch(() => undefined);
    const error = decodeAppError(errorText) ?? appError("upstream_error");
    // The whole error: its provider and a quota's reset time go to the browser too.
    return appErrorResponse(error, { headers: headers() });
  };
  for (;;) {
    let next: ReadableStreamReadResult<UIMessageChunk>;
    try {
      next = await reader.read();
    } catch (error) {
      return await failed(encodeError(error));
    }
    if (next.done) break;
    if (next.value.type === "error") return await failed(next.value.errorText);
    buffered.push(next.value);
    if (!PREAMBLE.has(next.value.type)) break;
  }

  // A server shutdown past its grace period ends the answer with an error part (the text so far
  // stays); the route's shutdownSignal() then closes the call to Chutes.
  let release = () => {};
  let ended = false;
  const replay = new ReadableStream<UIMessageChunk>({
    start(controller) {
      for (const chunk of buffered) controller.enqueue(chunk);
      release = trackStream(() => {
        release();
        ended = true;
        const shutdown = appError(
          "stream_incomplete",
          "The server restarted before this answer finished. What arrived is kept; you can retry.",
        );
        controller.enqueue({ type: "error", errorText: encodeAppError(shutdown) });
        controller.close();
        reader.cancel().catch(() => undefined);
      });
    },
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (ended) return;
        if (done) {
          release();
          controller.close();
        } else controller.enqueue(value);
      } catch (error) {
        release();
        if (ended) return;
        controller.enqueue({ type: "error", errorText: encodeError(error) });
        controller.close();
      }
    },
    async cancel(reason) {
      release();
      await reader.cancel(reason);
    },
  });
  return createUIMessageStreamResponse({
    stream: replay,
    // no-transform: Next's gzip (and a proxy's) would otherwise compress the event stream, which
    // cost four times the CPU of the rest of the route and lets a proxy hold tokens back.
    headers: { ...headers(), "cache-control": "no-cache, no-transform" },
  });
}
