// Helpers shared by the emulator's own tests: SSE parsing, form posts and the OAuth round trip.
import { createHash, randomBytes } from "node:crypto";
import { OAUTH_CLIENT } from "./fixtures.ts";
import type { RecordedRequest } from "./types.ts";

export type ParsedStream = {
  /** Parsed JSON of every `data:` event except [DONE]. */
  events: Array<Record<string, unknown>>;
  done: boolean;
  /** Lines that are neither SSE fields nor blank (e.g. the raw mid-stream error). */
  strayLines: string[];
  text: string;
};

export function parseSse(text: string): ParsedStream {
  const events: Array<Record<string, unknown>> = [];
  const strayLines: string[] = [];
  let done = false;
  for (const line of text.split("\n")) {
    if (line === "") continue;
    if (!line.startsWith("data: ")) {
      strayLines.push(line);
      continue;
    }
    const data = line.slice("data: ".length);
    if (data === "[DONE]") done = true;
    else events.push(JSON.parse(data) as Record<string, unknown>);
  }
  return { events, done, strayLines, text };
}

type Choice = {
  delta?: { content?: string | null; reasoning_content?: string; reasoning?: string };
  finish_reason: string | null;
};

export function choiceOf(event: Record<string, unknown>): Choice {
  return (event.choices as Choice[])[0] as Choice;
}

// The final usage chunk has no choices.
const deltaOf = (event: Record<string, unknown>) => (event.choices as Choice[])[0]?.delta;

export const contentOf = (stream: ParsedStream): string =>
  stream.events.map((e) => deltaOf(e)?.content ?? "").join("");

/** The thinking sent in `reasoning_content` or `reasoning` deltas. */
export const reasoningOf = (stream: ParsedStream, field: "reasoning_content" | "reasoning"): string =>
  stream.events.map((e) => deltaOf(e)?.[field] ?? "").join("");

export const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });

export function chatRequest(
  base: string,
  token: string | null,
  body: Record<string, unknown>,
  init: RequestInit = {},
): Promise<Response> {
  return fetch(`${base}/llm/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? bearer(token) : {}) },
    body: JSON.stringify(body),
    ...init,
  });
}

export const userMessage = (content: string) => [{ role: "user", content }];

export function postForm(url: string, fields: Record<string, string>, headers: Record<string, string> = {}) {
  return fetch(url, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
    body: new URLSearchParams(fields).toString(),
    redirect: "manual",
  });
}

export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString("base64url");
  return { verifier, challenge: createHash("sha256").update(verifier).digest("base64url") };
}

export const REDIRECT_URI = "http://127.0.0.1:3000/api/auth/callback/chutes";

export type AuthorizeOptions = {
  scope?: string | null;
  state?: string;
  redirectUri?: string;
  challenge?: string | null;
  method?: string | null;
  action?: "allow" | "deny";
};

/** GET /idp/authorize, follow to the consent page, submit it; returns the final redirect Location. */
export async function authorize(base: string, options: AuthorizeOptions = {}): Promise<URL> {
  const params = new URLSearchParams({
    response_type: "code",
    client_id: OAUTH_CLIENT.clientId,
    redirect_uri: options.redirectUri ?? REDIRECT_URI,
    state: options.state ?? "state-123",
  });
  if (options.scope !== null) params.set("scope", options.scope ?? "openid profile chutes:invoke");
  if (options.challenge) {
    params.set("code_challenge", options.challenge);
    if (options.method !== null) params.set("code_challenge_method", options.method ?? "S256");
  }
  const first = await fetch(`${base}/idp/authorize?${params}`, { redirect: "manual" });
  if (first.status !== 302) throw new Error(`authorize answered ${first.status}: ${await first.text()}`);
  const location = new URL(first.headers.get("location") ?? "", base);
  if (!location.pathname.startsWith("/idp/authorize/consent")) return location;
  const consent = await postForm(location.toString(), { action: options.action ?? "allow" });
  if (consent.status !== 302) throw new Error(`consent answered ${consent.status}`);
  return new URL(consent.headers.get("location") ?? "");
}

export type TokenResponse = {
  access_token: string;
  token_type: string;
  expires_in: number;
  refresh_token: string;
  scope: string | null;
};

/** The whole PKCE flow as next-auth does it (client_secret_post + code_verifier). */
export async function signIn(base: string, scope = "openid profile chutes:invoke"): Promise<TokenResponse> {
  const { verifier, challenge } = pkcePair();
  const callback = await authorize(base, { scope, challenge });
  const code = callback.searchParams.get("code");
  if (!code) throw new Error(`no code in ${callback}`);
  const response = await postForm(`${base}/idp/token`, {
    grant_type: "authorization_code",
    code,
    redirect_uri: REDIRECT_URI,
    client_id: OAUTH_CLIENT.clientId,
    client_secret: OAUTH_CLIENT.clientSecret,
    code_verifier: verifier,
  });
  if (response.status !== 200) throw new Error(`token exchange answered ${response.status}`);
  return (await response.json()) as TokenResponse;
}

export function refresh(base: string, refreshToken: string, withSecret = true): Promise<Response> {
  return postForm(`${base}/idp/token`, {
    grant_type: "refresh_token",
    refresh_token: refreshToken,
    client_id: OAUTH_CLIENT.clientId,
    ...(withSecret ? { client_secret: OAUTH_CLIENT.clientSecret } : {}),
  });
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export type EmbeddingCall = { authorization: string | undefined; model: unknown; inputs: unknown[] };

/** The calls the embeddings host received since the last reset, oldest first. */
export function embeddingCalls(emu: {
  requests(filter: { path: string }): RecordedRequest[];
}): EmbeddingCall[] {
  return emu.requests({ path: "/embed/v1/embeddings" }).map((request) => {
    const body = (request.body ?? {}) as { model?: unknown; input?: unknown };
    return {
      authorization: request.headers.authorization,
      model: body.model,
      inputs: Array.isArray(body.input) ? body.input : [body.input],
    };
  });
}
