import "server-only";

// Every short call our server makes to a provider (Chutes' API, LLM gateway and IDP, OpenRouter)
// goes through here: the bearer credential in a header (never a URL), a timeout, the caller's
// abort, and nothing logged. Long-lived streams go through the AI SDK with `fetch` from the route.

export interface UpstreamRequest {
  url: string;
  token?: string;
  timeoutMs: number;
  method?: "GET" | "POST";
  /** A JSON body. */
  json?: unknown;
  /** A form body (the IDP's token endpoints take `application/x-www-form-urlencoded`). */
  form?: Record<string, string>;
  signal?: AbortSignal;
  fetchImpl?: typeof fetch;
}

export type UpstreamResult =
  | { ok: true; status: number; body: string }
  | { ok: false; status: number; body: string }
  | { ok: false; status: 0; unreachable: true; timedOut: boolean; cause?: string };

export async function callUpstream(request: UpstreamRequest): Promise<UpstreamResult> {
  const headers: Record<string, string> = { accept: "application/json" };
  if (request.token) headers.authorization = `Bearer ${request.token}`;
  let body: string | URLSearchParams | undefined;
  if (request.json !== undefined) {
    headers["content-type"] = "application/json";
    body = JSON.stringify(request.json);
  } else if (request.form) {
    headers["content-type"] = "application/x-www-form-urlencoded";
    body = new URLSearchParams(request.form);
  }
  const timeout = AbortSignal.timeout(request.timeoutMs);
  const signal = request.signal ? AbortSignal.any([request.signal, timeout]) : timeout;
  try {
    const response = await (request.fetchImpl ?? fetch)(request.url, {
      method: request.method ?? (body === undefined ? "GET" : "POST"),
      headers,
      body,
      signal,
      cache: "no-store",
    });
    const text = await response.text();
    return response.ok
      ? { ok: true, status: response.status, body: text }
      : { ok: false, status: response.status, body: text };
  } catch (error) {
    // Timeout, refused connection, DNS: the caller shows "could not reach ...". The cause (a
    // network code, never a credential) is for operators' messages, e.g. the ingest CLI's.
    return { ok: false, status: 0, unreachable: true, timedOut: timeout.aborted, cause: networkCause(error) };
  }
}

/** Parses a successful body; undefined when it is not JSON. */
export function parseJsonBody(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

function networkCause(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  const cause = error.cause;
  if (cause instanceof Error) {
    const code = (cause as Error & { code?: unknown }).code;
    return typeof code === "string" ? `${cause.message} (${code})` : cause.message;
  }
  return error.message;
}
