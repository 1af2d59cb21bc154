import "server-only";
import { createParser, type EventSourceMessage } from "eventsource-parser";
import { withEventStreamStage } from "./eventStreamFetch.ts";
import { completionCheck } from "./streamCompletion.ts";

// Every SSE event from upstream costs the AI SDK's pipeline the same work however little text it
// carries: a schema check, then a pass through each web-stream stage of streamText, the UI message
// stream and the response (about 0.1 ms of CPU each, measured in bench/stream-throughput.ts). When
// the upstream is faster than this server, one network read holds many events; joining the text
// deltas that arrived together into one event makes that work once per read, not once per token.
// Nothing waits: the events a read completes leave with that read, and only a partial event's tail
// is kept for the next. Only plain text deltas of one choice are joined (content with content,
// reasoning with reasoning), and never across the chunk that finishes the choice; everything else
// (tool calls, the usage-only chunk, [DONE], events with a name or id) passes through as it came.

/** The delta fields that carry text a client appends: the answer, and thinking in either name. */
const TEXT_FIELDS = new Set(["content", "reasoning_content", "reasoning"]);
/** Top-level chunk fields a joined chunk may take from its last part (usage rides on every chunk). */
const CHUNK_FIELDS = new Set([
  "id",
  "object",
  "created",
  "model",
  "choices",
  "usage",
  "system_fingerprint",
  "chutes_verification",
]);
const CHOICE_FIELDS = new Set(["index", "delta", "logprobs", "finish_reason"]);

interface Choice {
  index?: number;
  delta?: Record<string, unknown>;
  finish_reason?: string | null;
  [field: string]: unknown;
}
interface Chunk {
  id?: string;
  choices?: Choice[];
  [field: string]: unknown;
}

/** The one text field a chunk's only choice carries (null fields aside), or null when it is not a plain text delta. */
function textFieldOf(chunk: Chunk): string | null {
  if (!Array.isArray(chunk.choices) || chunk.choices.length !== 1) return null;
  for (const field in chunk) if (!CHUNK_FIELDS.has(field)) return null;
  const choice = chunk.choices[0] as Choice;
  for (const field in choice) if (!CHOICE_FIELDS.has(field) && choice[field] != null) return null;
  if (choice.logprobs != null || typeof choice.delta !== "object" || choice.delta === null) return null;
  let text: string | null = null;
  for (const [field, value] of Object.entries(choice.delta)) {
    if (value == null || field === "role") continue;
    if (text !== null || !TEXT_FIELDS.has(field) || typeof value !== "string") return null;
    text = field;
  }
  return text;
}

/** Appends `next`'s text to `into` when they are consecutive text deltas of the same kind. */
function joinInto(into: Chunk, intoField: string, next: Chunk): boolean {
  const choice = into.choices?.[0] as Choice;
  const nextChoice = next.choices?.[0] as Choice | undefined;
  if (choice.finish_reason != null || !nextChoice || next.id !== into.id) return false;
  if (textFieldOf(next) !== intoField || nextChoice.index !== choice.index) return false;
  if (nextChoice.delta?.role != null && nextChoice.delta.role !== choice.delta?.role) return false;
  const delta = choice.delta as Record<string, unknown>;
  delta[intoField] = `${delta[intoField] as string}${nextChoice.delta?.[intoField] as string}`;
  choice.finish_reason = nextChoice.finish_reason ?? null;
  for (const field in next) if (field !== "choices" && field !== "id") into[field] = next[field];
  return true;
}

function encodeEvent(event: EventSourceMessage): string {
  return `${event.event ? `event: ${event.event}\n` : ""}${event.id ? `id: ${event.id}\n` : ""}data: ${event.data}\n\n`;
}

/**
 * A byte stream of OpenAI chat-completion SSE, with the text deltas of each read joined; a stream
 * that ends without [DONE] ends with the completion check's error, after the events it did send.
 */
export function coalesceDeltas(): TransformStream<Uint8Array, Uint8Array> {
  const decoder = new TextDecoder();
  const encoder = new TextEncoder();
  const completion = completionCheck();
  let events: EventSourceMessage[] = [];
  const parser = createParser({
    onEvent: (event) => {
      completion.see(event);
      events.push(event);
    },
  });

  const emit = (controller: TransformStreamDefaultController<Uint8Array>) => {
    if (events.length === 0) return;
    const read = events;
    events = [];
    // One event: nothing to join with, and no reason to parse it.
    if (read.length === 1) {
      controller.enqueue(encoder.encode(encodeEvent(read[0] as EventSourceMessage)));
      return;
    }
    let out = "";
    let open: { chunk: Chunk; field: string } | null = null;
    const close = () => {
      if (open) out += `data: ${JSON.stringify(open.chunk)}\n\n`;
      open = null;
    };
    for (const event of read) {
      const chunk = event.event || event.id ? null : parseChunk(event.data);
      if (chunk && open && joinInto(open.chunk, open.field, chunk)) continue;
      close();
      const field = chunk ? textFieldOf(chunk) : null;
      if (chunk && field) open = { chunk, field };
      else out += encodeEvent(event);
    }
    close();
    controller.enqueue(encoder.encode(out));
  };

  return new TransformStream({
    transform(bytes, controller) {
      parser.feed(decoder.decode(bytes, { stream: true }));
      emit(controller);
    },
    flush(controller) {
      // An event still open (no blank line after it) is dropped, as SSE says: a cut stream's half
      // chunk never reaches the AI SDK, and a bare `data: [DONE]` there is not an end.
      parser.feed(decoder.decode());
      emit(controller);
      const failure = completion.failure();
      if (failure) controller.error(failure);
    },
  });
}

function parseChunk(data: string): Chunk | null {
  if (data === "[DONE]") return null;
  try {
    const value: unknown = JSON.parse(data);
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Chunk) : null;
  } catch {
    return null;
  }
}

/**
 * A fetch whose chat-completion streams are checked for [DONE] and come with each read's text
 * deltas joined: one parse of the upstream's events serves both.
 */
export function withChatStreamStage(fetchImpl: typeof fetch = fetch): typeof fetch {
  return withEventStreamStage(fetchImpl, coalesceDeltas);
}
