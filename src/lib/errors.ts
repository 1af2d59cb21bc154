import { redactSecrets } from "./upstream/redact.ts";

// The one error table. The server answers with `{ error: { code, message } }`, the chat stream
// carries the same JSON as its error text, and the client turns either back into a typed view.
// Every failure a user can meet has a code here; nothing falls through to "something went wrong"
// when the cause is known.

export const ERROR_CODES = [
  "no_credential",
  "invalid_key_format",
  "key_rejected",
  "session_expired",
  "payment_required",
  "forbidden",
  "rate_limited",
  "model_unavailable",
  "model_not_found",
  "bad_request",
  "upstream_error",
  "chutes_unreachable",
  "stream_incomplete",
  "invalid_request",
  "cross_origin",
  "method_not_allowed",
  "not_found",
  "payload_too_large",
  "too_many_requests",
  "knowledge_base_mismatch",
  "network",
  "internal",
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** What the UI offers next. */
export type ErrorAction = "connect" | "fix-key" | "sign-in" | "top-up" | "retry" | "pick-model" | "none";

interface ErrorSpec {
  status: number;
  title: string;
  /** Shown when the upstream gave no more specific text. */
  message: string;
  action: ErrorAction;
}

export const CHUTES_TOP_UP_URL = "https://chutes.ai/app";

export const PROVIDERS = ["chutes", "openrouter"] as const;
export type ProviderId = (typeof PROVIDERS)[number];

export const PROVIDER_INFO: Record<ProviderId, { name: string; topUpUrl: string; topUpLabel: string }> = {
  chutes: { name: "Chutes", topUpUrl: CHUTES_TOP_UP_URL, topUpLabel: "Top up on chutes.ai" },
  openrouter: {
    name: "OpenRouter",
    topUpUrl: "https://openrouter.ai/settings/credits",
    topUpLabel: "Add credit on openrouter.ai",
  },
};

export const errorTable: Record<ErrorCode, ErrorSpec> = {
  no_credential: {
    status: 401,
    title: "Connect Chutes",
    message: "Sign in with Chutes or add your Chutes API key to start chatting.",
    action: "connect",
  },
  invalid_key_format: {
    status: 400,
    title: "That is not a Chutes API key",
    message: "A Chutes API key starts with cpk_ and has three dot-separated parts (102 characters).",
    action: "fix-key",
  },
  key_rejected: {
    status: 401,
    title: "Chutes rejected your API key",
    message: "The key was not accepted by Chutes. It may have been deleted or mistyped: check it in setup.",
    action: "fix-key",
  },
  session_expired: {
    status: 401,
    title: "Your Chutes session ended",
    message: "Sign in with Chutes again to continue.",
    action: "sign-in",
  },
  payment_required: {
    status: 402,
    title: "Out of Chutes balance",
    message: "Your Chutes account has no balance left for this request.",
    action: "top-up",
  },
  forbidden: {
    status: 403,
    title: "Not allowed by Chutes",
    message: "This credential does not have permission to use this model.",
    action: "fix-key",
  },
  rate_limited: {
    status: 429,
    title: "Chutes is busy",
    message: "Chutes is at capacity right now. Try again in a few seconds.",
    action: "retry",
  },
  model_unavailable: {
    status: 503,
    title: "Model has no instances right now",
    message: "No instances of this model are running at the moment. Pick another model or try later.",
    action: "pick-model",
  },
  model_not_found: {
    status: 404,
    title: "Unknown model",
    message: "Chutes does not know this model. Pick another one.",
    action: "pick-model",
  },
  bad_request: {
    status: 400,
    title: "Chutes could not process the request",
    message: "The model rejected the request (for example, the conversation may be too long).",
    action: "none",
  },
  upstream_error: {
    status: 502,
    title: "Chutes had a problem",
    message: "Chutes could not complete the request. Try again.",
    action: "retry",
  },
  chutes_unreachable: {
    status: 504,
    title: "Could not reach Chutes",
    message: "The server could not reach Chutes. Check the connection and try again.",
    action: "retry",
  },
  stream_incomplete: {
    status: 502,
    title: "The answer was cut off",
    message: "Chutes stopped before finishing this answer. What arrived is kept; you can retry.",
    action: "retry",
  },
  invalid_request: {
    status: 400,
    title: "Invalid request",
    message: "The request was not valid.",
    action: "none",
  },
  cross_origin: {
    status: 403,
    title: "Request refused",
    message: "Requests that spend your Chutes credit must come from this app.",
    action: "none",
  },
  method_not_allowed: {
    status: 405,
    title: "Method not allowed",
    message: "This API route does not accept that HTTP method.",
    action: "none",
  },
  not_found: {
    status: 404,
    title: "Not found",
    message: "There is no API route at this path.",
    action: "none",
  },
  payload_too_large: {
    status: 413,
    title: "Request too large",
    message: "The request is larger than this server accepts. Shorten the conversation or the message.",
    action: "none",
  },
  too_many_requests: {
    status: 429,
    title: "Slow down",
    message: "Too many requests from here in a short time. Wait a moment and try again.",
    action: "retry",
  },
  knowledge_base_mismatch: {
    status: 500,
    title: "Knowledge base needs re-ingesting",
    message:
      "The knowledge base was built with a different embedding model or size. The operator must re-ingest it (npm run ingest -- --reset docs).",
    action: "none",
  },
  network: {
    status: 503,
    title: "Connection lost",
    message: "Could not reach the chutes-chat server. Check your connection; nothing you typed was lost.",
    action: "retry",
  },
  internal: {
    status: 500,
    title: "Unexpected error",
    message: "The app hit an unexpected error. Try again.",
    action: "retry",
  },
};

export interface AppError {
  code: ErrorCode;
  message: string;
  /** Which provider failed, when it is not Chutes (titles and top-up links follow it). */
  provider?: ProviderId | undefined;
  /** When a used-up quota resets (ISO 8601), as Chutes' 402 says. */
  resetsAt?: string | undefined;
}

/**
 * An error as our server, a stream or a thrown value carries it, or undefined when it is not one.
 * A plain check rather than zod: every screen shows errors, and zod in the first paint would cost
 * 28 KiB gzip (bench/RESULTS.md, bundle). Unknown fields are dropped.
 */
export function readAppError(value: unknown): AppError | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const { code, message, provider, resetsAt } = value as Record<string, unknown>;
  if (!(ERROR_CODES as ReadonlyArray<unknown>).includes(code) || typeof message !== "string")
    return undefined;
  if (provider !== undefined && !(PROVIDERS as ReadonlyArray<unknown>).includes(provider)) return undefined;
  if (resetsAt !== undefined && (typeof resetsAt !== "string" || resetsAt.length > 40)) return undefined;
  return {
    code: code as ErrorCode,
    message,
    ...(provider === undefined ? {} : { provider: provider as ProviderId }),
    ...(resetsAt === undefined ? {} : { resetsAt }),
  };
}

export function appError(code: ErrorCode, message?: string, provider: ProviderId = "chutes"): AppError {
  const fallback = withProviderName(errorTable[code].message, provider);
  const text = message?.trim() ? redactSecrets(message.trim()).slice(0, 500) : fallback;
  return provider === "chutes" ? { code, message: text } : { code, message: text, provider };
}

function withProviderName(text: string, provider: ProviderId): string {
  return provider === "chutes" ? text : text.replaceAll("Chutes", PROVIDER_INFO[provider].name);
}

/** The stream's error text and the JSON body share this encoding. */
export function encodeAppError(error: AppError): string {
  return JSON.stringify({ error });
}

export function decodeAppError(text: string | undefined | null): AppError | undefined {
  if (!text) return undefined;
  try {
    const body: unknown = JSON.parse(text);
    return typeof body === "object" && body !== null
      ? readAppError((body as { error?: unknown }).error)
      : undefined;
  } catch {
    return undefined;
  }
}

export function errorResponse(
  code: ErrorCode,
  message?: string,
  init?: ResponseInit,
  provider?: ProviderId,
): Response {
  return Response.json(
    { error: appError(code, message, provider) },
    { status: errorTable[code].status, ...init },
  );
}

export function appErrorResponse(error: AppError, init?: ResponseInit): Response {
  return Response.json({ error }, { status: errorTable[error.code].status, ...init });
}

export interface ErrorView {
  code: ErrorCode;
  title: string;
  message: string;
  action: ErrorAction;
  provider: ProviderId;
  resetsAt?: string | undefined;
}

/** Client side: any error the chat or a fetch produced, as something the UI can show. */
export function toErrorView(error: unknown): ErrorView {
  const decoded =
    error instanceof Error
      ? decodeAppError(error.message)
      : typeof error === "string"
        ? decodeAppError(error)
        : readAppError(error);
  const app = decoded ?? appError(isNetworkFailure(error) ? "network" : "internal");
  const spec = errorTable[app.code];
  const provider = app.provider ?? "chutes";
  return {
    code: app.code,
    title: withProviderName(spec.title, provider),
    message: app.message,
    action: spec.action,
    provider,
    ...(app.resetsAt ? { resetsAt: app.resetsAt } : {}),
  };
}

function isNetworkFailure(error: unknown): boolean {
  return error instanceof TypeError && /fetch|network/i.test(error.message);
}
