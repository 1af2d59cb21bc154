import "server-only";
import { randomBytes, timingSafeEqual } from "node:crypto";
import type { AppConfig } from "../config.ts";
import type { Credential } from "../credentials/precedence.ts";

// The warm-up's own chat. Next gives each route its own copy of the code it runs, so only a request
// through the chat route prepares that copy: its first validation, retrieval, prompt and answer
// stream cost the first user ~80 ms more than the next ones. At start the warm-up sends that route
// one question, marked with a token that exists only in this process's memory. The route answers it
// like any other, except that its credential and upstream calls are stood in for here: nothing
// reaches Chutes or OpenRouter, and nothing is billed.

export const WARM_UP_HEADER = "x-chutes-chat-warm-up";

// On globalThis: instrumentation.ts (which sends the question) and the route are separate bundles.
const shared = globalThis as typeof globalThis & { __chutesChatWarmUpToken?: string };

/** The token the warm-up's question carries: made on first use, never written anywhere. */
export function warmUpToken(): string {
  shared.__chutesChatWarmUpToken ??= randomBytes(24).toString("base64url");
  return shared.__chutesChatWarmUpToken;
}

/** The warm-up has had its answer: from now on its header means nothing. */
export function forgetWarmUpToken(): void {
  delete shared.__chutesChatWarmUpToken;
}

/**
 * True only for a request carrying this process's token: none exists before the warm-up makes it,
 * nor after it has been answered.
 */
export function isWarmUpRequest(request: Request): boolean {
  const token = shared.__chutesChatWarmUpToken;
  const sent = request.headers.get(WARM_UP_HEADER);
  if (!token || !sent) return false;
  const expected = Buffer.from(token);
  const given = Buffer.from(sent);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** A vector of the given size pointing along the first axis: what the warm-up searches with. */
export function unitVector(dimensions: number): number[] {
  return Array.from({ length: dimensions }, (_, i) => (i === 0 ? 1 : 0));
}

/** What the warm-up's question is answered with: a pasted-key Chutes user, in name only. */
export const WARM_UP_CREDENTIAL: Credential = { provider: "chutes", kind: "api-key", token: "warm-up" };

/**
 * Chutes' side of the warm-up's question, answered in process in the protocol's shapes: the
 * question's embedding (a unit vector of the configured size) and a short streamed answer.
 */
export function standInUpstream(config: Pick<AppConfig, "CHUTES_EMBEDDING_DIMENSIONS">): typeof fetch {
  return async (input) => {
    const url = input instanceof Request ? input.url : String(input);
    if (url.endsWith("/embeddings")) {
      const embedding = unitVector(config.CHUTES_EMBEDDING_DIMENSIONS);
      return Response.json({
        object: "list",
        data: [{ object: "embedding", index: 0, embedding }],
        usage: { prompt_tokens: 2, total_tokens: 2 },
      });
    }
    if (url.endsWith("/chat/completions")) {
      const chunk = (delta: Record<string, unknown>, finish: string | null = null) =>
        `data: ${JSON.stringify({ id: "warm-up", object: "chat.completion.chunk", created: 0, model: "warm-up", choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
      const usage = `data: ${JSON.stringify({ id: "warm-up", object: "chat.completion.chunk", created: 0, model: "warm-up", choices: [], usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 } })}\n\n`;
      const body = [
        chunk({ role: "assistant", content: "" }),
        chunk({ content: "Ready" }),
        chunk({ content: "." }),
        chunk({}, "stop"),
        usage,
        "data: [DONE]\n\n",
      ].join("");
      return new Response(body, { headers: { "content-type": "text/event-stream" } });
    }
    return new Response(null, { status: 404 });
  };
}
