import { UI_MESSAGE_STREAM_HEADERS, type UIMessageChunk } from "ai";
import { appError, appErrorResponse, decodeAppError, encodeAppError } from "../errors.ts";
import { trackStream } from "../server/inflight.ts";

// Chutes holds its HTTP status until the first real chunk (protocol §4.5); so do we. Waiting for
// the first upstream answer lets a failure before any text (402, 429, 503, 401...) reach the
// browser as a real status with the error-table body, and lets headers set during the upstream
// call (a rotated session cookie) go out with the response. After that, a failed read of the
// upstream (the AI SDK rejects the stream rather than emitting an error part) becomes the error
// part the client shows, after the text that already arrived.
//
// The answer goes out as the AI SDK's UI message stream (SSE `data: <json>`, then `data: [DONE]`),
// encoded here in the one stage that also replays the first chunks, instead of a chain of
// transform streams (each costs a few promises per chunk, and the server is CPU-bound at many
// concurrent answers). What is ready in the same event-loop turn goes out as one write, and text
// (or reasoning) deltas among it are joined into one event: a fast upstream otherwise costs a
// socket write and a JSON event per token. The first chunk of a turn is never held for a later one.

const PREAMBLE = new Set<UIMessageChunk["type"]>(["start", "start-step"]);
const TURN_ENDED = Symbol("turn ended");
const sse = (chunk: UIMessageChunk) => `data: ${JSON.stringify(chunk)}\n\n`;
const SSE_DONE = "data: [DONE]\n\n";

/** Appends a chunk, joining it to the previous one when both are deltas of the same part. */
export function pushCoalesced(batch: UIMessageChunk[], chunk: UIMessageChunk): void {
  const last = batch.at(-1);
  if (
    last !== undefined &&
    (chunk.type === "text-delta" || chunk.type === "reasoning-delta") &&
    last.type === chunk.type &&
    last.id === chunk.id &&
    last.providerMetadata === undefined &&
    chunk.providerMetadata === undefined
  ) {
    batch[batch.length - 1] = { type: chunk.type, id: chunk.id, delta: last.delta + chunk.delta };
  } else batch.push(chunk);
}

export interface RespondOptions {
  /** Called when the answer's finish chunk is next: what it returns goes out just before it. */
  beforeFinish?: () => Promise<UIMessageChunk | undefined>;
}

export async function respondOnFirstChunk(
  stream: ReadableStream<UIMessageChunk>,
  headers: () => Record<string, string>,
  /** The error table's encoding of an upstream failure. */
  encodeError: (error: unknown) => string,
  options: RespondOptions = {},
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

  const encoder = new TextEncoder();
  // A read that the end of a turn overtook: the next pull takes it up.
  let pending: Promise<ReadableStreamReadResult<UIMessageChunk>> | undefined;
  // A server shutdown past its grace period ends the answer with an error part (the text so far
  // stays); the route's shutdownSignal() then closes the call to Chutes.
  let release = () => {};
  let ended = false;
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(buffered.map(sse).join("")));
      release = trackStream(() => {
        release();
        ended = true;
        const shutdown = appError(
          "stream_incomplete",
          "The server restarted before this answer finished. What arrived is kept; you can retry.",
        );
        controller.enqueue(
          encoder.encode(sse({ type: "error", errorText: encodeAppError(shutdown) }) + SSE_DONE),
        );
        controller.close();
        reader.cancel().catch(() => undefined);
      });
    },
    async pull(controller) {
      const batch: UIMessageChunk[] = [];
      let finished = false;
      let turn: Promise<typeof TURN_ENDED> | undefined;
      try {
        for (;;) {
          const read = pending ?? reader.read();
          pending = read;
          // The first chunk of this pull is awaited; later ones only while the turn lasts.
          const next = turn ? await Promise.race([read, turn]) : await read;
          if (next === TURN_ENDED) break;
          pending = undefined;
          if (ended) return;
          if (next.done) {
            finished = true;
            break;
          }
          if (next.value.type === "finish" && options.beforeFinish) {
            const before = await options.beforeFinish().catch(() => undefined);
            if (ended) return;
            if (before) batch.push(before);
          }
          pushCoalesced(batch, next.value);
          turn ??= new Promise((resolve) => setImmediate(resolve, TURN_ENDED));
        }
      } catch (error) {
        pending = undefined;
        if (ended) return;
        batch.push({ type: "error", errorText: encodeError(error) });
        finished = true;
      }
      if (batch.length > 0 || finished)
        controller.enqueue(encoder.encode(batch.map(sse).join("") + (finished ? SSE_DONE : "")));
      if (finished) {
        release();
        controller.close();
      }
    },
    async cancel(reason) {
      release();
      await reader.cancel(reason);
    },
  });
  // no-transform: Next's gzip (and a proxy's) would otherwise compress the event stream, which
  // cost four times the CPU of the rest of the route and lets a proxy hold tokens back.
  const responseHeaders = new Headers({ ...headers(), "cache-control": "no-cache, no-transform" });
  for (const [key, value] of Object.entries(UI_MESSAGE_STREAM_HEADERS))
    if (!responseHeaders.has(key)) responseHeaders.set(key, value);
  return new Response(body, { headers: responseHeaders });
}
