import "server-only";
import { z } from "zod";
import { callUpstream } from "../upstream/client.ts";
import { upstreamText } from "../upstream/errorBody.ts";
import { redactSecrets } from "../upstream/redact.ts";
import { EMBED_MAX_ATTEMPTS, EMBED_RETRY_BASE_MS, EMBED_RETRY_MAX_MS } from "./settings.ts";

// Client for the OpenAI-compatible embeddings endpoint of a Chutes embedding chute
// (POST {CHUTES_EMBEDDINGS_URL}/embeddings, body {model, input: [...]}). The credential is passed per call:
// the operator's key for ingest, the signed-in user's credential for queries. It is sent only in the
// Authorization header and never appears in an error message.

/** The response body we rely on; extra fields are ignored. */
export const embeddingsResponseSchema = z.object({
  data: z
    .array(
      z.object({
        embedding: z.array(z.number()),
        index: z.number().int().nonnegative().optional(),
      }),
    )
    .min(1),
});
export type EmbeddingsResponse = z.infer<typeof embeddingsResponseSchema>;

export type EmbeddingFailureReason =
  | "payment_required" // 402: no balance or quota
  | "rate_limited" // 429
  | "unavailable" // 5xx: no instance, disabled, overloaded
  | "unauthorized" // 401/403
  | "unreachable" // network error or timeout
  | "rejected" // other 4xx (bad request, model not found)
  | "invalid_response"; // 2xx with a body we cannot use

export class EmbeddingError extends Error {
  override name = "EmbeddingError";
  readonly reason: EmbeddingFailureReason;
  readonly status: number | undefined;
  /** Worth retrying later: rate limits, 5xx, network errors and timeouts. */
  readonly retryable: boolean;

  constructor(
    message: string,
    options: { reason: EmbeddingFailureReason; status?: number; retryable: boolean; cause?: unknown },
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.reason = options.reason;
    this.status = options.status;
    this.retryable = options.retryable;
  }
}

export interface EmbedRequestOptions {
  signal?: AbortSignal;
  /** The route's fetch for this call (it refreshes an OAuth token once on a 401). */
  fetch?: typeof fetch;
}

/** Embeds `texts` (in order) with `credential` as the bearer token. */
export type EmbedFn = (
  texts: string[],
  credential: string,
  options?: EmbedRequestOptions,
) => Promise<number[][]>;

export interface EmbeddingsClientOptions {
  /** CHUTES_EMBEDDINGS_URL, e.g. https://chutes-baai-bge-m3.chutes.ai/v1 (no trailing slash needed). */
  baseUrl: string;
  /** CHUTES_EMBEDDING_MODEL, e.g. BAAI/bge-m3. */
  model: string;
  /** Per-request timeout (CHUTES_REQUEST_TIMEOUT_MS). */
  timeoutMs: number;
  fetch?: typeof fetch;
}

export interface EmbeddingsClient {
  readonly model: string;
  readonly embed: EmbedFn;
}

export function createEmbeddingsClient(options: EmbeddingsClientOptions): EmbeddingsClient {
  const url = `${options.baseUrl.replace(/\/+$/, "")}/embeddings`;
  const host = safeHost(options.baseUrl);
  // Resolved per call, so a fetch patched after creation (instrumentation, test interceptors) is used.
  const doFetch: typeof fetch = (input, init) => (options.fetch ?? globalThis.fetch)(input, init);

  const embed: EmbedFn = async (texts, credential, requestOptions = {}) => {
    if (texts.length === 0) return [];
    const { signal } = requestOptions;
    signal?.throwIfAborted();
    const result = await callUpstream({
      url,
      token: credential,
      json: { model: options.model, input: texts },
      timeoutMs: options.timeoutMs,
      signal,
      fetchImpl: requestOptions.fetch ?? doFetch,
    });
    if ("unreachable" in result) {
      if (signal?.aborted) throw signal.reason;
      const message = result.timedOut
        ? `The embeddings endpoint (${host}) did not answer within ${options.timeoutMs} ms.`
        : `Could not reach the embeddings endpoint (${host})${result.cause ? `: ${redactSecrets(result.cause, [credential])}` : ""}.`;
      throw new EmbeddingError(message, { reason: "unreachable", retryable: true });
    }
    const { body } = result;
    if (!result.ok)
      throw errorForStatus(result.status, redactSecrets(upstreamText(body), [credential]), host);

    let parsed: EmbeddingsResponse;
    try {
      parsed = embeddingsResponseSchema.parse(JSON.parse(body));
    } catch {
      throw new EmbeddingError(
        `The embeddings endpoint (${host}) answered with a body that is not an embeddings list.`,
        {
          reason: "invalid_response",
          status: result.status,
          retryable: false,
        },
      );
    }
    const vectors: (number[] | undefined)[] = new Array(texts.length);
    for (const [position, item] of parsed.data.entries()) {
      const index = item.index ?? position;
      if (index < texts.length) vectors[index] = item.embedding;
    }
    if (parsed.data.length !== texts.length || vectors.some((v) => v === undefined)) {
      throw new EmbeddingError(
        `The embeddings endpoint (${host}) returned ${parsed.data.length} vectors for ${texts.length} inputs.`,
        { reason: "invalid_response", status: result.status, retryable: false },
      );
    }
    return vectors as number[][];
  };

  return { model: options.model, embed };
}

function errorForStatus(status: number, detail: string, host: string): EmbeddingError {
  const suffix = detail ? `: ${detail}` : ".";
  if (status === 402) {
    return new EmbeddingError(
      `The embeddings endpoint (${host}) refused the request for lack of balance (HTTP 402)${suffix}`,
      {
        reason: "payment_required",
        status,
        retryable: false,
      },
    );
  }
  if (status === 401 || status === 403) {
    return new EmbeddingError(
      `The embeddings endpoint (${host}) rejected the credential (HTTP ${status})${suffix}`,
      {
        reason: "unauthorized",
        status,
        retryable: false,
      },
    );
  }
  if (status === 429) {
    return new EmbeddingError(`The embeddings endpoint (${host}) is rate limiting (HTTP 429)${suffix}`, {
      reason: "rate_limited",
      status,
      retryable: true,
    });
  }
  if (status >= 500) {
    return new EmbeddingError(`The embeddings endpoint (${host}) is unavailable (HTTP ${status})${suffix}`, {
      reason: "unavailable",
      status,
      retryable: status === 500 || status === 502 || status === 503 || status === 504,
    });
  }
  return new EmbeddingError(
    `The embeddings endpoint (${host}) rejected the request (HTTP ${status})${suffix}`,
    {
      reason: "rejected",
      status,
      retryable: false,
    },
  );
}

function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return "the configured URL";
  }
}

// ---------------------------------------------------------------------------------------------------------
// Retries (ingest only: a user's query makes exactly one attempt)

export interface RetryOptions {
  /** Total attempts, first one included (default EMBED_MAX_ATTEMPTS = 5). */
  attempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Injected in tests to skip the waiting. */
  sleep?: (ms: number) => Promise<void>;
  /** Jitter source in [0, 1); the delay is scaled by 0.5 + random() / 2. */
  random?: () => number;
  onRetry?: (info: { attempt: number; delayMs: number; error: EmbeddingError }) => void;
}

/** Runs `fn`, retrying retryable EmbeddingErrors with exponential backoff and jitter. */
export async function withRetry<T>(
  fn: (attempt: number) => Promise<T>,
  options: RetryOptions = {},
): Promise<T> {
  const attempts = Math.max(1, options.attempts ?? EMBED_MAX_ATTEMPTS);
  const base = options.baseDelayMs ?? EMBED_RETRY_BASE_MS;
  const max = options.maxDelayMs ?? EMBED_RETRY_MAX_MS;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const random = options.random ?? Math.random;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (error) {
      if (!(error instanceof EmbeddingError) || !error.retryable || attempt >= attempts) throw error;
      const delayMs = Math.round(Math.min(max, base * 2 ** (attempt - 1)) * (0.5 + random() / 2));
      options.onRetry?.({ attempt, delayMs, error });
      await sleep(delayMs);
    }
  }
}
