import { z } from "zod";
import "server-only";
import { APICallError } from "ai";
import type { Credential } from "../credentials/precedence.ts";
import { type AppError, type ProviderId, appError as tableError } from "../errors.ts";
import { upstreamDetail } from "./errorBody.ts";

// A provider's failure as an entry of the error table: by status code, never by matching message
// text (the provider's own words are kept as the message where they help the user).

export class StreamIncompleteError extends Error {
  override name = "StreamIncompleteError";
}

type Caller = Pick<Credential, "kind"> & { provider?: ProviderId };

const quotaResetSchema = z.object({
  detail: z.object({ quota_reset_timestamp: z.iso.datetime({ offset: true }) }),
});

/** Chutes' 402 for a used-up daily quota says when it resets. */
function quotaResetOf(body: string | undefined): string | undefined {
  try {
    return quotaResetSchema.safeParse(JSON.parse(body ?? "")).data?.detail.quota_reset_timestamp;
  } catch {
    return undefined;
  }
}

/** A provider's HTTP error status and body, as an entry of the error table. */
export function classifyStatus(status: number, body: string | undefined, caller: Caller): AppError {
  const kind = caller.kind;
  const appError = (code: Parameters<typeof tableError>[0], message?: string) =>
    tableError(code, message, caller.provider);
  const detail = upstreamDetail(body);
  switch (status) {
    case 401:
      return appError(kind === "oauth" ? "session_expired" : "key_rejected");
    case 402: {
      const resetsAt = quotaResetOf(body);
      return { ...appError("payment_required", detail), ...(resetsAt ? { resetsAt } : {}) };
    }
    case 403:
      return appError("forbidden");
    case 404:
      return appError(
        "model_not_found",
        detail?.startsWith("model not found") ? `Chutes says: ${detail}.` : undefined,
      );
    case 429:
      return appError("rate_limited", detail && !/maximum capacity/i.test(detail) ? detail : undefined);
    case 503:
      return appError("model_unavailable");
    case 400:
    case 413:
    case 422:
      return appError("bad_request", detail?.replace(/^(Invalid request: )+/, ""));
    default:
      return appError(status >= 500 ? "upstream_error" : "bad_request");
  }
}

/** Any error thrown while talking to Chutes, as an entry of the error table. */
export function classifyUpstreamError(error: unknown, caller: Caller): AppError {
  const appError = (code: Parameters<typeof tableError>[0], message?: string) =>
    tableError(code, message, caller.provider);
  // The AI SDK wraps failures while reading a 200 stream (ours included) in an APICallError.
  if (hasCause(error, StreamIncompleteError)) return appError("stream_incomplete");
  if (APICallError.isInstance(error)) {
    if (error.statusCode && error.statusCode >= 400)
      return classifyStatus(error.statusCode, error.responseBody, caller);
    return appError("chutes_unreachable");
  }
  if (error instanceof Error && (error.name === "TimeoutError" || isNetworkError(error))) {
    return appError("chutes_unreachable");
  }
  // vLLM-style error events inside the stream reach us as plain objects with a message.
  if (error && typeof error === "object" && "message" in error && !(error instanceof Error)) {
    return appError("upstream_error", String((error as { message: unknown }).message));
  }
  return appError("upstream_error");
}

function hasCause(error: unknown, type: new (...args: never[]) => Error, depth = 0): boolean {
  if (error instanceof type) return true;
  if (depth > 5 || !(error instanceof Error)) return false;
  return hasCause(error.cause, type, depth + 1);
}

function isNetworkError(error: Error): boolean {
  const cause = (error as { cause?: { code?: string } }).cause;
  return (
    (error instanceof TypeError && /fetch failed|network/i.test(error.message)) ||
    ["ECONNREFUSED", "ECONNRESET", "ENOTFOUND", "ETIMEDOUT", "UND_ERR_SOCKET"].includes(cause?.code ?? "")
  );
}

/** A failed short call (see client.ts) as an entry of the error table. */
export function classifyFailedCall(
  result: { status: number; body?: string; unreachable?: true },
  caller: Caller,
): AppError {
  if (result.unreachable) return tableError("chutes_unreachable", undefined, caller.provider);
  return classifyStatus(result.status, result.body, caller);
}
