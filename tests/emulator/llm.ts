// The llm host: GET /v1/models and POST /v1/chat/completions (protocol §3.1, §3.2, §4.5).
import { createHash, randomUUID } from "node:crypto";
import { type ChatMessage, composeAnswer, countTokens, tokenize } from "./answer.ts";
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
import { listModels, resolveChatModel } from "./models.ts";
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

function parseMessages(value: unknown): ChatMessage[] | undefined {
  if (!Array.isArray(value) || value.length === 0) return undefined;
  const out: ChatMessage[] = [];
  for (const m of value) {
    if (!isRecord(m) || typeof m.role !== "string") return undefined;
    out.push({ role: m.role, content: textOf(m.content) });
  }
  return out;
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

  const messages = parseMessages(body.messages);
  if (!messages) {
    return sendDetail(res, 400, "Invalid request: Invalid request: messages must be a non-empty list");
  }
  const model = resolved.kind === "model" ? resolved.id : requested;
  const answerTokens = tokenize(composeAnswer(model, messages));
  const limit = positiveInt(body.max_completion_tokens) ?? positiveInt(body.max_tokens);
  const truncated = limit !== undefined && limit < answerTokens.length;
  const tokens = truncated ? answerTokens.slice(0, limit) : answerTokens;
  const reply: Reply = {
    id: `chatcmpl-${randomUUID().replaceAll("-", "")}`,
    created: Math.floor(Date.now() / 1000),
    model,
    tokens,
    finishReason: truncated ? "length" : "stop",
    promptTokens: countTokens(messages),
  };
  const headers = { "X-Chutes-InvocationID": randomUUID(), "X-Chutes-RL-User": "60" };

  if (body.stream === true) return streamReply(ctx, reply, headers, streamFailure);

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
}

type Reply = {
  id: string;
  created: number;
  model: string;
  tokens: string[];
  finishReason: "stop" | "length";
  promptTokens: number;
};

const usage = (reply: Reply, completionTokens: number) => ({
  prompt_tokens: reply.promptTokens,
  completion_tokens: completionTokens,
  total_tokens: reply.promptTokens + completionTokens,
});

// Stands in for the CLLMV token the real gateway adds to each chunk.
const verification = (id: string, index: number): string =>
  createHash("sha256").update(`${id}:${index}`).digest("hex").slice(0, 32);

function completion(reply: Reply) {
  return {
    id: reply.id,
    object: "chat.completion",
    created: reply.created,
    model: reply.model,
    choices: [
      {
        index: 0,
        message: { role: "assistant", content: reply.tokens.join(""), tool_calls: [] },
        logprobs: null,
        finish_reason: reply.finishReason,
      },
    ],
    usage: usage(reply, reply.tokens.length),
    chutes_verification: verification(reply.id, reply.tokens.length),
  };
}

function chunk(reply: Reply, index: number) {
  const last = index === reply.tokens.length - 1;
  const content = reply.tokens[index] ?? "";
  return {
    id: reply.id,
    object: "chat.completion.chunk",
    created: reply.created,
    model: reply.model,
    choices: [
      {
        index: 0,
        delta: index === 0 ? { role: "assistant", content } : { content },
        logprobs: null,
        finish_reason: last ? reply.finishReason : null,
      },
    ],
    // continuous_usage_stats is forced on by Chutes: usage rides on every chunk (§3.1).
    usage: usage(reply, index + 1),
    chutes_verification: verification(reply.id, index),
  };
}

async function streamReply(
  ctx: RequestContext,
  reply: Reply,
  headers: Record<string, string>,
  failure: InjectionRule | undefined,
): Promise<void> {
  const delay = ctx.emu.settings.tokenDelayMs;
  const frames = reply.tokens.map((_, i) => sseData(chunk(reply, i)));
  let firstDelayMs = delay;
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
      frames.push(sseData("[DONE]"));
      firstDelayMs = failure.delayMs ?? DEFAULT_SLOW_FIRST_TOKEN_MS;
      break;
    default:
      frames.push(sseData("[DONE]"));
  }
  await writePaced(ctx.res, {
    status: 200,
    headers: { ...SSE_HEADERS, ...headers },
    frames,
    firstDelayMs,
    intervalMs: delay,
  });
}
