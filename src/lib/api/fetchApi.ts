import { type AppError, appError, decodeAppError } from "../errors.ts";

// The browser's one way to call our API: JSON in, a response checked against the route's own
// schema out, and every failure as an entry of the error table (never an exception to catch).

export type ApiResult<T> = { ok: true; data: T } | { ok: false; error: AppError };

/**
 * How an answer is checked: a zod schema (which has this shape), or `plainCheck` where zod would
 * weigh on the first paint. Keeping zod out of this module keeps it out of the setup screen.
 */
export interface ResponseCheck<T> {
  safeParse(value: unknown): { success: true; data: T } | { success: false };
}

/** A check written by hand: the value, or null when it is not one. */
export function plainCheck<T>(read: (value: unknown) => T | null): ResponseCheck<T> {
  return {
    safeParse(value) {
      const data = read(value);
      return data === null ? { success: false } : { success: true, data };
    },
  };
}

export interface ApiRequest {
  method?: "GET" | "POST";
  headers?: Record<string, string>;
  json?: unknown;
  signal?: AbortSignal;
  fetchImpl?: typeof fetch;
}

/** Rejects only when `signal` aborts, so callers can tell "cancelled" from "failed". */
export async function fetchApi<T>(
  route: string,
  check: ResponseCheck<T>,
  request: ApiRequest = {},
): Promise<ApiResult<T>> {
  const headers: Record<string, string> = { accept: "application/json", ...request.headers };
  if (request.json !== undefined) headers["content-type"] = "application/json";
  let response: Response;
  let text: string;
  try {
    response = await (request.fetchImpl ?? fetch)(route, {
      method: request.method ?? (request.json === undefined ? "GET" : "POST"),
      headers,
      body: request.json === undefined ? undefined : JSON.stringify(request.json),
      signal: request.signal,
    });
    text = await response.text();
  } catch (error) {
    if (request.signal?.aborted) throw error;
    return { ok: false, error: appError("network") };
  }
  if (!response.ok) return { ok: false, error: decodeAppError(text) ?? statusError(response.status) };
  try {
    const parsed = check.safeParse(JSON.parse(text));
    if (parsed.success) return { ok: true, data: parsed.data };
  } catch {
    // not JSON: reported below
  }
  return { ok: false, error: appError("internal", "The server sent an answer this page could not read.") };
}

/** A proxy's own error page (no body of ours): name the status rather than guess. */
function statusError(status: number): AppError {
  if (status === 429) return appError("rate_limited", "Too many requests. Wait a moment and try again.");
  if (status === 502 || status === 503 || status === 504) return appError("network");
  return appError("internal");
}
