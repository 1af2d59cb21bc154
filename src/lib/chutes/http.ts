import "server-only";

// Every short call our server makes to a provider (Chutes, OpenRouter) goes through here: a
// timeout, the bearer credential, and nothing logged. The credential never enters a URL.

export interface ChutesRequest {
  url: string;
  token?: string;
  timeoutMs: number;
  method?: "GET" | "POST";
  json?: unknown;
  signal?: AbortSignal;
  fetchImpl?: typeof fetch;
}

export type ChutesResult =
  | { ok: true; status: number; body: string }
  | { ok: false; status: number; body: string }
  | { ok: false; status: 0; unreachable: true };

export async function callUpstream(request: ChutesRequest): Promise<ChutesResult> {
  const headers: Record<string, string> = { accept: "application/json" };
  if (request.token) headers.authorization = `Bearer ${request.token}`;
  if (request.json !== undefined) headers["content-type"] = "application/json";
  const timeout = AbortSignal.timeout(request.timeoutMs);
  const signal = request.signal ? AbortSignal.any([request.signal, timeout]) : timeout;
  try {
    const response = await (request.fetchImpl ?? fetch)(request.url, {
      method: request.method ?? "GET",
      headers,
      body: request.json === undefined ? undefined : JSON.stringify(request.json),
      signal,
      cache: "no-store",
    });
    const body = await response.text();
    return response.ok
      ? { ok: true, status: response.status, body }
      : { ok: false, status: response.status, body };
  } catch {
    // Timeout, refused connection, DNS: the caller shows "could not reach Chutes".
    return { ok: false, status: 0, unreachable: true };
  }
}
