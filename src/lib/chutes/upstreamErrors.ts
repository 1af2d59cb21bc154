import "server-only";
import { APICallError } from "ai";
import type { Credential } from "../credentialPrecedence.ts";
import { type AppError, type ProviderId, appError as tableError } from "../errors.ts";

// Chutes answers errors as FastAPI `{"detail": string | object}` (402 carries an object with
// `message`). Classify by status code, never by matching message text.

export class StreamIncompleteError extends Error {
  override name = "StreamIncompleteError";
}

export function chutesDetail(body: string | undefined): string | undefined {
  if (!body) return undefined;
  try {
    const parsed: unknown = JSON.parse(body);
    if (parsed && typeof parsed === "object" && "detail" in parsed) {
      const detail = (parsed as { detail: unknown }).detail;
      if (typeof detail === "string") return detail;
      if (detail && typeof detail === "object" && "message" in detail) {
        const message = (detail as { message: unknown }).message;
        if (typeof message === "string") return message;
      }
    }
    if (parsed && typeof parsed === "object" && "error" in parsed) {
      const error = (parsed as { error: unknown }).error;
      if (typeof error === "string") return error;
      if (error && typeof error === "object" && "message" in error) {
        const message = (error as { message: unknown }).message;
        if (typeof message === "string") return message;
      }
    }
  } catch {
    // An HTML page (e.g. a proxy's 429) or plain text: no detail worth showing.
  }
  return undefined;
}

type Caller = Pick<Credential, "kind"> & { provider?: ProviderId };

/** A provider's HTTP error status and body, as an entry of the error table. */
export function classifyStatus(status: number, body: string | undefined, caller: Caller): AppError {
  const kind = caller.kind;
  const appError = (code: Parameters<typeof tableError>[0], message?: string) =>
    tableError(code, message, caller.provider);
  const detail = chutesDetail(body);
  switch (status) {
    case 401:
      return appError(kind === "oauth" ? "session_expired" : "key_rejected");
    case 402:
      return appError("payment_required", detail);
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
