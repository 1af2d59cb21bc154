import "server-only";
import { randomUUID } from "node:crypto";
import type { NextRequest } from "next/server";
import type { z } from "zod";
import type { ChutesJwt } from "../auth/oauthSession.ts";
import { type AppConfig, getConfig } from "../config.ts";
import type { Credential } from "../credentials/precedence.ts";
import { refreshAfterUnauthorized, resolveCredential } from "../credentials/resolve.ts";
import { appErrorResponse, errorResponse } from "../errors.ts";
import { log, logRequest } from "../log.ts";
import { EmbeddingDimensionError, KbMismatchError } from "../rag/errors.ts";
import { isWarmUpRequest, standInUpstream, WARM_UP_CREDENTIAL } from "../server/warmUpAnswer.ts";
import { clientAddress } from "./clientAddress.ts";
import { readJsonBody, rejectCrossOrigin } from "./guards.ts";
import { consumeRateLimit, type RateLimitFamily, rateLimitSubject } from "./rateLimit.ts";
import { tooManyRequests } from "./rateLimitResponse.ts";

// The prologue and epilogue of every route that spends a user's credential (chat, models,
// knowledge search), in the order that keeps abuse cheap: same-origin check, rate limit by client
// address, the body read with a size cap and checked by the route's zod schema, the credential
// resolved (pasted key, else OAuth session), a rate limit by credential. The handler gets a
// `fetch` that refreshes an OAuth token once when the provider answers 401 and retries; every
// response carries a rotated session cookie; the knowledge-base mismatch and any unexpected
// failure become the error table's JSON, never an HTML 500.

export interface CredentialRouteContext<Body> {
  request: NextRequest;
  body: Body;
  config: AppConfig;
  /** The winning credential; after a refresh-on-401, the new one. */
  readonly credential: Credential;
  /** The OAuth session behind the credential, if it is one. */
  session?: ChutesJwt;
  /** Use for every upstream call: refreshes an OAuth token once on 401, then retries. */
  fetch: typeof fetch;
  /** Headers the response must carry (a rotated session cookie), current at call time. */
  responseHeaders: () => Record<string, string>;
}

export interface CredentialRouteSpec<S extends z.ZodType | undefined> {
  /** For logs: which route failed. */
  name: string;
  rateLimit: RateLimitFamily;
  body?: S;
  /** Cap on the request body (default 64 KiB). */
  maxBodyBytes?: number;
  /** The route answers the server's own warm-up question (warmUpAnswer.ts): the chat route only. */
  answersWarmUp?: boolean;
}

type BodyOf<S> = S extends z.ZodType ? z.infer<S> : undefined;

const DEFAULT_MAX_BODY_BYTES = 64 * 1024;

export function credentialRoute<S extends z.ZodType | undefined = undefined>(
  spec: CredentialRouteSpec<S>,
  handler: (context: CredentialRouteContext<BodyOf<S>>) => Promise<Response>,
): (request: NextRequest) => Promise<Response> {
  return async (request) => {
    const started = performance.now();
    const requestId = randomUUID();
    let setCookie: string | undefined;
    let upstreamStatus: number | undefined;
    // Every answer carries the rotated cookie and a request id, and leaves one log line.
    const finish = (response: Response) => {
      const sent = attachHeaders(response, setCookie, requestId);
      const durationMs = performance.now() - started;
      const streaming = sent.headers.get("content-type")?.includes("text/event-stream") ?? false;
      logRequest({
        requestId,
        route: spec.name,
        status: sent.status,
        durationMs,
        upstreamStatus,
        // A stream is answered at its first chunk (respondOnFirstChunk), so this is its first token.
        ttftMs: streaming ? durationMs : undefined,
      });
      return sent;
    };
    try {
      const refused = rejectCrossOrigin(request);
      if (refused) return finish(refused);
      const config = getConfig();
      // The server's own warm-up question (warmUpAnswer.ts): counted against no one, answered in process.
      const warmUp = spec.answersWarmUp === true && isWarmUpRequest(request);
      if (!warmUp) {
        const address = clientAddress(request, config.TRUST_PROXY_HOPS);
        const byAddress = await consumeRateLimit(spec.rateLimit, rateLimitSubject.address(address), config);
        if (!byAddress.ok) return finish(tooManyRequests(byAddress.retryAfterS));
      }

      let body = undefined as BodyOf<S>;
      if (spec.body) {
        const read = await readJsonBody(request, spec.body, spec.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES);
        if (!read.ok) return finish(read.response);
        body = read.data as BodyOf<S>;
      }

      // The warm-up's question: a stand-in credential, and Chutes' side answered in process.
      const resolved = warmUp
        ? ({ ok: true, credential: WARM_UP_CREDENTIAL, session: undefined, setCookie: undefined } as const)
        : await resolveCredential(request, config);
      setCookie = resolved.setCookie;
      if (!resolved.ok) return finish(appErrorResponse(resolved.error));
      if (!warmUp) {
        const byCredential = await consumeRateLimit(
          spec.rateLimit,
          rateLimitSubject.credential(resolved.credential.token),
          config,
        );
        if (!byCredential.ok) return finish(tooManyRequests(byCredential.retryAfterS));
      }

      let credential = resolved.credential;
      const session = resolved.session;
      const upstreamFetch = warmUp ? standInUpstream(config) : fetch;
      let refreshed = false;
      const refreshingFetch: typeof fetch = async (input, init) => {
        const response = await upstreamFetch(input, init);
        upstreamStatus = response.status;
        if (response.status !== 401 || credential.kind !== "oauth" || !session || refreshed) return response;
        refreshed = true;
        const renewed = await refreshAfterUnauthorized(session, config);
        if (renewed.setCookie) setCookie = renewed.setCookie;
        if (!renewed.credential) return response;
        credential = renewed.credential;
        await response.body?.cancel().catch(() => undefined);
        const headers = new Headers(init?.headers);
        headers.set("authorization", `Bearer ${credential.token}`);
        const retried = await upstreamFetch(input, { ...init, headers });
        upstreamStatus = retried.status;
        return retried;
      };

      const response = await handler({
        request,
        body,
        config,
        get credential() {
          return credential;
        },
        session,
        fetch: refreshingFetch,
        responseHeaders: (): Record<string, string> => (setCookie ? { "set-cookie": setCookie } : {}),
      });
      return finish(response);
    } catch (error) {
      if (error instanceof KbMismatchError || error instanceof EmbeddingDimensionError)
        return finish(errorResponse("knowledge_base_mismatch"));
      // The name is enough to operate the service; a message may quote user content.
      log().error(
        { requestId, route: spec.name, err: error instanceof Error ? error.name : typeof error },
        "unexpected failure",
      );
      return finish(errorResponse("internal"));
    }
  };
}

function attachHeaders(response: Response, setCookie: string | undefined, requestId: string): Response {
  let sent = response;
  try {
    sent.headers.set("x-request-id", requestId);
  } catch {
    // Immutable headers (a fetched response passed through): copy them.
    sent = new Response(response.body, response);
    sent.headers.set("x-request-id", requestId);
  }
  if (setCookie && !sent.headers.has("set-cookie")) sent.headers.set("set-cookie", setCookie);
  return sent;
}
