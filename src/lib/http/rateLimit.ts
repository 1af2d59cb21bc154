import "server-only";
import { createHash } from "node:crypto";
import pg from "pg";
import {
  type RateLimiterAbstract,
  RateLimiterMemory,
  RateLimiterPostgres,
  RateLimiterRes,
} from "rate-limiter-flexible";
import type { AppConfig } from "../config.ts";

// Rate limits per route family, counted per client address and, where a credential is spent, per
// credential (by hash: the limiter never holds a key). In memory by default; with DATABASE_URL the
// counters live in PostgreSQL so that every instance behind a load balancer shares them.

export type RateLimitFamily = "key-check" | "chat" | "api";

type LimitSettings = Pick<
  AppConfig,
  | "DATABASE_URL"
  | "RATE_LIMIT_KEY_CHECKS_PER_MIN"
  | "RATE_LIMIT_CHATS_PER_MIN"
  | "RATE_LIMIT_REQUESTS_PER_MIN"
>;

function perMinute(family: RateLimitFamily, settings: LimitSettings): number {
  switch (family) {
    case "key-check":
      return settings.RATE_LIMIT_KEY_CHECKS_PER_MIN;
    case "chat":
      return settings.RATE_LIMIT_CHATS_PER_MIN;
    case "api":
      return settings.RATE_LIMIT_REQUESTS_PER_MIN;
  }
}

const limiters = new Map<string, RateLimiterAbstract>();
let pool: pg.Pool | undefined;

function limiterFor(family: RateLimitFamily, points: number, settings: LimitSettings): RateLimiterAbstract {
  const id = `${family}:${points}:${settings.DATABASE_URL ? "pg" : "memory"}`;
  // One limiter per budget: the key prefix keeps their counters apart in a shared table.
  let limiter = limiters.get(id);
  if (limiter) return limiter;
  const options = { keyPrefix: `rl_${family.replace("-", "_")}_${points}`, points, duration: 60 };
  if (settings.DATABASE_URL) {
    pool ??= new pg.Pool({ connectionString: settings.DATABASE_URL, max: 2, idleTimeoutMillis: 30_000 });
    pool.on("error", () => undefined); // an idle connection dropped: the next query reconnects
    limiter = new RateLimiterPostgres({
      ...options,
      storeClient: pool,
      storeType: "pool",
      tableName: "rate_limits",
      // A database outage must not stop the app: this instance counts alone meanwhile.
      insuranceLimiter: new RateLimiterMemory(options),
    });
  } else {
    limiter = new RateLimiterMemory(options);
  }
  limiters.set(id, limiter);
  return limiter;
}

export type RateLimitVerdict = { ok: true } | { ok: false; retryAfterS: number };

/** What a limit counts against: a client address, a credential (hashed), or the whole server. */
export const rateLimitSubject = {
  address: (address: string) => `ip:${address}`,
  credential: (token: string) => `cred:${createHash("sha256").update(token).digest("hex").slice(0, 32)}`,
  server: () => "server",
};

/** Counts one request against `subject`; `scale` multiplies the family's per-minute budget. */
export async function consumeRateLimit(
  family: RateLimitFamily,
  subject: string,
  settings: LimitSettings,
  scale = 1,
): Promise<RateLimitVerdict> {
  const points = perMinute(family, settings) * scale;
  if (points === 0) return { ok: true };
  try {
    await limiterFor(family, points, settings).consume(subject);
    return { ok: true };
  } catch (rejection) {
    if (rejection instanceof RateLimiterRes) {
      return { ok: false, retryAfterS: Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)) };
    }
    // The store failed and the insurance limiter too: let the request through rather than fail it.
    return { ok: true };
  }
}
