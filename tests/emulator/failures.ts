// Failure injection: the §4 error responses by name, and the queue of rules set via /_emulator/inject.
import type { ServerResponse } from "node:http";
import { alice, type FixtureUser } from "./fixtures.ts";
import { pyFloat, sendDetail, sendHtml, sendJson } from "./http.ts";
import { AUTH_TEXT } from "./identities.ts";
import { chuteIdFor } from "./models.ts";
import {
  FAILURE_NAMES,
  type FailureName,
  type HostKind,
  type InjectionRule,
  type MatchPath,
} from "./types.ts";

export type EndpointKind = MatchPath | "other";

export function isFailureName(name: string): name is FailureName {
  return (FAILURE_NAMES as readonly string[]).includes(name);
}

/** Failures that change how a chat stream behaves rather than replacing the response. */
export const STREAM_FAILURES: ReadonlySet<FailureName> = new Set([
  "midstream_error",
  "engine_error_event",
  "slow_first_token",
]);

export const DEFAULT_SLOW_FIRST_TOKEN_MS = 3000;

export const FAILURE_TEXT = {
  capacity: "Infrastructure is at maximum capacity, try again later",
  freeLimit:
    "Free models limit reached for today - maintain >= $10 balance or upgrade subscription to pro to unlock more.",
  disabled: "This chute is currently disabled.",
  exhausted: "exhausted all available targets to no avail",
  engine:
    "This model's maximum context length is 32768 tokens. However, you requested 33792 tokens (32768 in the messages, 1024 in the completion). Please reduce the length of the messages or completion.",
  midstreamReason: "peer closed connection without sending complete message body (incomplete chunked read)",
  engineEvent: "Sampled token IDs exceed the max model length. Please reduce the prompt or max_tokens.",
} as const;

const NGINX_429 = `<html>
<head><title>429 Too Many Requests</title></head>
<body>
<center><h1>429 Too Many Requests</h1></center>
<hr><center>nginx</center>
</body>
</html>
`;

export function paymentRequiredDetail(user: FixtureUser | undefined, balance: number) {
  const address = (user ?? alice).paymentAddress;
  // quota_reset_timestamp is only sent when the user has a daily quota > 0; fixture users have none.
  return {
    message: `Quota exceeded and account balance is $${pyFloat(balance)}, please pay with fiat or send tao to ${address}`,
  };
}

export function nextUtcMidnight(now = new Date()): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1));
}

export type FailureContext = {
  host: HostKind;
  endpoint: EndpointKind;
  model: string | undefined;
  user: FixtureUser | undefined;
  balance: number;
  /** Destroys the socket without a response and tells the recorder the server did it. */
  drop: () => void;
};

/** Writes the complete failure response (everything except the in-stream behaviours). */
export function renderFailure(res: ServerResponse, name: FailureName, ctx: FailureContext) {
  const model = ctx.model ?? "unknown";
  switch (name) {
    case "unauthorized":
      if (ctx.endpoint === "token") return sendJson(res, 400, { error: "invalid_grant" });
      if (ctx.endpoint === "userinfo") return sendDetail(res, 401, "Invalid or expired token");
      return sendDetail(res, 401, ctx.host === "api" ? AUTH_TEXT.noAuthApi : AUTH_TEXT.noAuthGateway);
    case "payment_required":
      return sendDetail(res, 402, paymentRequiredDetail(ctx.user, ctx.balance));
    case "quota_exceeded":
      // A user with a daily quota > 0 who used it up: the detail carries when it resets (§4.2).
      return sendDetail(res, 402, {
        ...paymentRequiredDetail(ctx.user, 0),
        quota_reset_timestamp: nextUtcMidnight().toISOString(),
      });
    case "forbidden":
      if (ctx.endpoint === "userinfo") {
        return sendDetail(res, 403, "Token does not have required scope (openid, profile, or account:read)");
      }
      return sendDetail(res, 403, AUTH_TEXT.forbidden);
    case "capacity":
      return sendDetail(res, 429, FAILURE_TEXT.capacity);
    case "free_limit":
      return sendDetail(res, 429, FAILURE_TEXT.freeLimit);
    case "html_429":
      return sendHtml(res, 429, NGINX_429, { server: "nginx" });
    case "no_instances":
      return sendDetail(res, 503, `No instances available (yet) for chute_id='${chuteIdFor(model)}'`);
    case "disabled":
      return sendDetail(res, 503, FAILURE_TEXT.disabled);
    case "model_not_found":
      return sendDetail(res, 404, `model not found: ${model}`);
    // Without a stream to break, the engine's error is a plain 400 like bad_request.
    case "bad_request":
    case "engine_error_event":
      return sendDetail(res, 400, `Invalid request: Invalid request: ${FAILURE_TEXT.engine}`);
    // Failures before the first byte become a normal status (§4.5): all retries failed.
    case "exhausted":
    case "midstream_error":
      return sendDetail(res, 500, FAILURE_TEXT.exhausted);
    case "drop_connection":
      return ctx.drop();
    case "slow_first_token":
      // The caller delays and then answers normally; nothing to render.
      return;
  }
}

type QueuedRule = { rule: InjectionRule; remaining: number };

export class InjectionQueue {
  private rules: QueuedRule[] = [];

  add(rule: InjectionRule): void {
    this.rules.push({ rule, remaining: rule.times ?? 1 });
  }

  clear(): void {
    this.rules = [];
  }

  get size(): number {
    return this.rules.reduce((sum, r) => sum + r.remaining, 0);
  }

  /** The first rule matching this request, consuming one of its `times`. */
  take(endpoint: EndpointKind, model: string | undefined): InjectionRule | undefined {
    const index = this.rules.findIndex(({ rule }) => {
      const match = rule.match ?? {};
      if (match.path !== undefined ? match.path !== endpoint : endpoint === "other") return false;
      return match.model === undefined || match.model === model;
    });
    const entry = this.rules[index];
    if (!entry) return undefined;
    entry.remaining--;
    if (entry.remaining <= 0) this.rules.splice(index, 1);
    return entry.rule;
  }
}
