// The llm host: GET /v1/models and POST /v1/chat/completions (protocol §3.1, §3.2, §4.5).
import { createHash, randomUUID } from "node:crypto";
import {
  type ChatMessage,
  composeAnswer,
  composeReasoning,
  countTokens,
  type ImageSeen,
  tokenize,
} from "./answer.ts";
import type { RequestContext } from "./context.ts";
import {
  DEFAULT_SLOW_FIRST_TOKEN_MS,
  FAILURE_TEXT,
  isFailureName,
  paymentRequiredDetail,
  renderFailure,
  STREAM_FAILURES,
} from "./failures.ts";
import { isRecord, sendDetail, sendJson, sleepUnlessClosed } from "./http.ts";
import { authenticate, type Principal } from "./identities.ts";
import {
  acceptsImages,
  listModels,
  priceOf,
  type ReasoningStyle,
  reasoningStyleOf,
  resolveChatModel,
} from "./models.ts";
import { SSE_HEADERS, sseData, writePaced } from "./sse.ts";
import type { InjectionRule } from "./types.ts";

export function handleModels(ctx: RequestContext) {
  const header = ctx.req.headers.authorization;
  // Public route, but a header that is present is still validated (§2.2).
  if (header !== undefined) {
    const auth = authenticate(header, "llm", ctx.emu.accounts, ctx.emu.oauth);
    if (!auth.ok) return sendDetail(ctx.res, auth.status, auth.detail);
  }
  sendJson(ctx.res, 200, listModels());
}

/** Auth, then (if the user can pay) the principal; otherwise the error response is already sent. */
export function authorizeInference(ctx: RequestContext, gateway: "llm" | "embed"): Principal | undefined {
  const auth = authenticate(ctx.req.headers.authorization, gateway, ctx.emu.accounts, ctx.emu.oauth);
  if (!auth.ok) {
    sendDetail(ctx.res, auth.status, auth.detail);
    return undefined;
  }
  return auth.principal;
}

/** The 402 check happens before routing, so it is always a plain HTTP status (§4.2). */
export function rejectIfBroke(ctx: RequestContext, principal: Principal): boolean {
  const balance = ctx.emu.accounts.balance(principal.user.username);
  if (balance > 0) return false;
  sendDetail(ctx.res, 402, paymentRequiredDetail(principal.user, balance));
  return true;
}

function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content
    .map((part) => (isRecord(part) && part.type === "text" && typeof part.text === "string" ? part.text : ""))
    .filter((t) => t.length > 0)
    .join("\n");
}

type Parsed = { ok: true; messages: ChatMessage[] } | { ok: false; status: number; body: unknown };

const NOT_A_LIST = "Invalid request: Invalid request: messages must be a non-empty list";

/**
 * Messages as the model sees them: text joined, image parts decoded (§3.1: the server inlines
 * image URLs as base64, so a data URL is what reaches the engine). Images go only to a model whose
 * catalogue entry lists the `image` modality; file parts are refused before the engine.
 */
function parseMessages(value: unknown, model: string): Parsed {
  if (!Array.isArray(value) || value.length === 0)
    return { ok: false, status: 400, body: { detail: NOT_A_LIST } };
  const messages: ChatMessage[] = [];
  for (const m of value) {
    if (!isRecord(m) || typeof m.role !== "string")
      return { ok: false, status: 400, body: { detail: NOT_A_LIST } };
    const images: ImageSeen[] = [];
    for (const part of Array.isArray(m.content) ? m.content : []) {
      if (!isRecord(part)) continue;
      if (part.type === "file" || part.type === "file_url") {
        return { ok: false, status: 400, body: { detail: "File content not currently supported" } };
      }
      if (part.type !== "image_url") continue;
      if (!acceptsImages(model)) return engineRefusal(`${model} is not a multimodal model`);
      const url = isRecord(part.image_url) ? part.image_url.url : undefined;
      const image = typeof url === "string" ? decodeImage(url) : undefined;
      if (!image) return engineRefusal("Invalid image: expected a base64 data URL or an http(s) URL");
      images.push(image);
    }
    messages.push({ role: m.role, content: textOf(m.content), ...(images.length > 0 ? { images } : {}) });
  }
  return { ok: true, messages };
}

/** An engine's 400, as the gateway passes it on: its text under a doubled prefix (§4.4). */
const engineRefusal = (text: string): Parsed => ({
  ok: false,
  status: 400,
  body: { detail: `Invalid request: Invalid request: ${text}` },
});

/** A data URL's media type and decoded size; a remote URL stands for an image the server fetched. */
function decodeImage(url: string): ImageSeen | undefined {
  if (/^https?:\/\//i.test(url)) return { mediaType: "remote", bytes: 0 };
  const match = /^data:(image\/[a-z0-9.+-]+);base64,([A-Za-z0-9+/]*={0,2})$/i.exec(url);
  if (!match?.[1] || !match[2]) return undefined;
  return { mediaType: match[1].toLowerCase(), bytes: Buffer.from(match[2], "base64").length };
}

const positiveInt = (v: unknown): number | undefined =>
  typeof v === "number" && Number.isInteger(v) && v > 0 ? v : undefined;

export async function handleChat(ctx: RequestContext): Promise<void> {
  const { res, emu } = ctx;
  const principal = authorizeInference(ctx, "llm");
  if (!principal) return;

  if (ctx.body.kind === "invalid_json" || !isRecord(ctx.body.value)) {
    return sendDetail(res, 400, `Invalid request JSON: ${ctx.body.raw.slice(0, 80) || "empty body"}`);
  }
  const body = ctx.body.value;
  const requested = typeof body.model === "string" ? body.model : "None";
  const resolved = resolveChatModel(requested);
  if (resolved.kind === "unknown" || (resolved.kind === "failure" && !isFailureName(resolved.name))) {
    return sendDetail(res, 404, `model not found: ${requested}`);
  }
  if (rejectIfBroke(ctx, principal)) return;

  let streamFailure: InjectionRule | undefined = ctx.streamFailure;
  if (resolved.kind === "failure" && isFailureName(resolved.name)) {
    if (STREAM_FAILURES.has(resolved.name)) streamFailure = { failure: resolved.name };
    else {
      return renderFailure(res, resolved.name, {
        host: "llm",
        endpoint: "chat",
        model: requested,
        user: principal.user,
        balance: emu.accounts.balance(principal.user.username),
        drop: ctx.drop,
      });
    }
  }

  const model = resolved.kind === "model" ? resolved.id : requested;
  const parsed = parseMessages(body.messages, model);
  if (!parsed.ok) return sendJson(res, parsed.status, parsed.body);
  const { messages } = parsed;
  const allDeltas = replyDeltas(
    reasoningStyleOf(model),
    composeReasoning(messages),
    composeAnswer(model, messages),
  );
  // max_tokens counts thinking too, as every engine does: a low limit can end inside the thinking.
  const limit = positiveInt(body.max_completion_tokens) ?? positiveInt(body.max_tokens);
  const truncated = limit !== undefined && limit < allDeltas.length;
  const deltas = truncated ? allDeltas.slice(0, limit) : allDeltas;
  const reply: Reply = {
    id: `chatcmpl-${randomUUID().replaceAll("-", "")}`,
    created: Math.floor(Date.now() / 1000),
    model,
    deltas,
    finishReason: truncated ? "length" : "stop",
    promptTokens: countTokens(messages),
    cachedTokens: cachedPrefixTokens(messages),
    reportsReasoning: deltas.some((d) => d.reasoning_content !== undefined || d.reasoning !== undefined),
  };
  const headers = { "X-Chutes-InvocationID": randomUUID(), "X-Chutes-RL-User": "60" };

  if (body.stream === true) {
    if ((await streamReply(ctx, reply, headers, streamFailure)) === "finished" && !streamFailure)
      charge(ctx, principal, reply);
    return;
  }

  if (streamFailure?.failure === "slow_first_token") {
    const open = await sleepUnlessClosed(res, streamFailure.delayMs ?? DEFAULT_SLOW_FIRST_TOKEN_MS);
    if (!open) return;
  } else if (streamFailure) {
    // Nothing was sent yet, so the failure surfaces as a normal status (§4.5).
    return renderFailure(res, streamFailure.failure, {
      host: "llm",
      endpoint: "chat",
      model,
      user: principal.user,
      balance: 0,
      drop: ctx.drop,
    });
  }
  sendJson(res, 200, completion(reply), headers);
  charge(ctx, principal, reply);
}

/** One streamed token: answer text, or thinking in the field the model's engine uses. */
type Delta = { content?: string; reasoning_content?: string; reasoning?: string };

type Reply = {
  id: string;
  created: number;
  model: string;
  deltas: Delta[];
  finishReason: "stop" | "length";
  promptTokens: number;
  /** Prompt tokens served from the prefix cache. */
  cachedTokens: number;
  /** Whether the engine parsed the thinking (and so reports reasoning_tokens). */
  reportsReasoning: boolean;
};

const THINK_OPEN = "<think>";
const THINK_CLOSE = "</think>";

/** The reply as stream tokens, shaped the way the model's engine sends its thinking (§8). */
function replyDeltas(style: ReasoningStyle | undefined, reasoning: string, answer: string): Delta[] {
  const answerDeltas = tokenize(answer).map((content) => ({ content }));
  switch (style) {
    case undefined:
      return answerDeltas;
    case "reasoning_content":
      return [...tokenize(reasoning).map((t) => ({ reasoning_content: t })), ...answerDeltas];
    case "reasoning":
      return [...tokenize(reasoning).map((t) => ({ reasoning: t })), ...answerDeltas];
    case "think_tags":
      return splitAcrossTags(`${THINK_OPEN}\n${reasoning}\n${THINK_CLOSE}\n\n${answer}`, reasoning).map(
        (content) => ({ content }),
      );
    case "think_unclosed":
      // Thinks until the end of the stream: no closing tag, no answer.
      return splitAcrossTags(`${THINK_OPEN}\n${reasoning} ${reasoning}`, reasoning).map((content) => ({
        content,
      }));
  }
}

/**
 * Word tokens of `text`, except that each tag is cut in two between chunks (`<th` + `ink>`), at a
 * point that depends on the text, as engines without a reasoning parser do.
 */
export function splitAcrossTags(text: string, seedText: string): string[] {
  const cuts = new Set<number>();
  let at = 0;
  for (const token of tokenize(text)) {
    at += token.length;
    cuts.add(at);
  }
  let seed = createHash("sha1").update(seedText).digest().readUInt32BE(0);
  for (const tag of [THINK_OPEN, THINK_CLOSE]) {
    for (let start = text.indexOf(tag); start !== -1; start = text.indexOf(tag, start + 1)) {
      for (let i = start + 1; i < start + tag.length; i++) cuts.delete(i);
      cuts.add(start + 1 + (seed % (tag.length - 1)));
      seed = Math.floor(seed / 7) + 3;
    }
  }
  const sorted = [...cuts].filter((c) => c > 0 && c < text.length).sort((x, y) => x - y);
  const pieces: string[] = [];
  let from = 0;
  for (const cut of [...sorted, text.length]) {
    if (cut > from) pieces.push(text.slice(from, cut));
    from = cut;
  }
  return pieces;
}

/** Prefix caching: everything before the newest message was in the previous turn's prompt. */
function cachedPrefixTokens(messages: ChatMessage[]): number {
  if (messages.length < 2) return 0;
  return countTokens(messages.slice(0, -1)) - 2;
}

function usage(reply: Reply, upTo: number) {
  const sent = reply.deltas.slice(0, upTo);
  const reasoningTokens = sent.filter((d) => d.content === undefined).length;
  return {
    prompt_tokens: reply.promptTokens,
    completion_tokens: sent.length,
    total_tokens: reply.promptTokens + sent.length,
    ...(reply.cachedTokens > 0 ? { prompt_tokens_details: { cached_tokens: reply.cachedTokens } } : {}),
    ...(reply.reportsReasoning ? { completion_tokens_details: { reasoning_tokens: reasoningTokens } } : {}),
  };
}

// Stands in for the CLLMV token the real gateway adds to each chunk.
const verification = (id: string, index: number): string =>
  createHash("sha256").update(`${id}:${index}`).digest("hex").slice(0, 32);

function completion(reply: Reply) {
  const joined = (field: keyof Delta) => reply.deltas.map((d) => d[field] ?? "").join("");
  const thinking = reply.deltas.find((d) => d.content === undefined);
  return {
    id: reply.id,
    object: "chat.completion",
    created: reply.created,
    model: reply.model,
    choices: [
      {
        index: 0,
        message: {
          role: "assistant",
          content: joined("content"),
          ...(thinking?.reasoning_content !== undefined
            ? { reasoning_content: joined("reasoning_content") }
            : {}),
          ...(thinking?.reasoning !== undefined ? { reasoning: joined("reasoning") } : {}),
          tool_calls: [],
        },
        logprobs: null,
        finish_reason: reply.finishReason,
      },
    ],
    usage: usage(reply, reply.deltas.length),
    chutes_verification: verification(reply.id, reply.deltas.length),
  };
}

function chunk(reply: Reply, index: number) {
  const last = index === reply.deltas.length - 1;
  const delta = reply.deltas[index] ?? { content: "" };
  return {
    id: reply.id,
    object: "chat.completion.chunk",
    created: reply.created,
    model: reply.model,
    choices: [
      {
        index: 0,
        // Engines send content: null beside a thinking delta.
        delta: {
          ...(index === 0 ? { role: "assistant" } : {}),
          ...(delta.content === undefined ? { content: null } : {}),
          ...delta,
        },
        logprobs: null,
        finish_reason: last ? reply.finishReason : null,
      },
    ],
    // continuous_usage_stats is forced on by Chutes: usage rides on every chunk (§3.1).
    usage: usage(reply, index + 1),
    chutes_verification: verification(reply.id, index),
  };
}

/** include_usage is forced on too: the stream ends with a chunk that has no choices, only usage. */
function usageChunk(reply: Reply) {
  return {
    id: reply.id,
    object: "chat.completion.chunk",
    created: reply.created,
    model: reply.model,
    choices: [],
    usage: usage(reply, reply.deltas.length),
    chutes_verification: verification(reply.id, reply.deltas.length),
  };
}

/**
 * Bills a delivered answer to the caller's balance at the model's prices, thinking as output and
 * cached prompt tokens at the cache price, so a balance read after an answer shows it.
 */
function charge(ctx: RequestContext, principal: Principal, reply: Reply) {
  const price = priceOf(reply.model);
  if (!price) return;
  const prompt = reply.promptTokens - reply.cachedTokens;
  const usd =
    (prompt * price.prompt + reply.cachedTokens * price.cacheRead + reply.deltas.length * price.completion) /
    1e6;
  const username = principal.user.username;
  ctx.emu.accounts.setBalance(username, ctx.emu.accounts.balance(username) - usd);
}

async function streamReply(
  ctx: RequestContext,
  reply: Reply,
  headers: Record<string, string>,
  failure: InjectionRule | undefined,
): Promise<"finished" | "aborted"> {
  const delay = ctx.emu.settings.tokenDelayMs;
  const frames = reply.deltas.map((_, i) => sseData(chunk(reply, i)));
  let firstDelayMs = ctx.emu.settings.firstTokenDelayMs ?? delay;
  switch (failure?.failure) {
    case "midstream_error":
      // Raw JSON, not SSE-framed, and no [DONE]: an SSE parser just sees a truncated stream.
      frames.splice(Math.min(3, frames.length - 1));
      frames.push(
        `${JSON.stringify({ error: `Unhandled exception during response stream: ${FAILURE_TEXT.midstreamReason}` })}\n`,
      );
      firstDelayMs = failure.delayMs ?? delay;
      break;
    case "engine_error_event":
      frames.splice(Math.min(3, frames.length - 1));
      frames.push(sseData({ error: { object: "error", message: FAILURE_TEXT.engineEvent, code: 400 } }));
      firstDelayMs = failure.delayMs ?? delay;
      break;
    case "slow_first_token":
      frames.push(sseData(usageChunk(reply)), sseData("[DONE]"));
      firstDelayMs = failure.delayMs ?? DEFAULT_SLOW_FIRST_TOKEN_MS;
      break;
    default:
      frames.push(sseData(usageChunk(reply)), sseData("[DONE]"));
  }
  return await writePaced(ctx.res, {
    status: 200,
    headers: { ...SSE_HEADERS, ...headers },
    frames,
    firstDelayMs,
    intervalMs: delay,
  });
}
