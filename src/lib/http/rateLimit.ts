import "server-only";
import { createHash } from "node:crypto";
import pg from "pg";
import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRes } from "rate-limiter-flexible";
import type { AppConfig } from "../config.ts";

// Rate limits per route family, counted per client address and, where a credential is spent, per
// credential (by hash: the limiter never holds a key). In memory by default. With DATABASE_URL the
// counters are also kept in PostgreSQL, so that every instance behind a load balancer shares them,
// but no request waits for that write: each instance decides at once from its own count and from
// what the shared count last said about the subject. A shared limit therefore takes effect one
// request after the shared count passes it (per instance, at most the requests in flight within a
// database round trip); the two sequential round trips it saves were ~2 ms of every request.

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

interface Limiter {
  /** This instance's own count: the verdict, decided without a round trip. */
  local: RateLimiterMemory;
  /** The count every instance shares (DATABASE_URL), written off the request's path. */
  shared?: { limiter: RateLimiterPostgres; ready: Promise<boolean> };
}

const limiters = new Map<string, Limiter>();
let pool: pg.Pool | undefined;

function limiterFor(family: RateLimitFamily, points: number, settings: LimitSettings): Limiter {
  const id = `${family}:${points}:${settings.DATABASE_URL ? "pg" : "memory"}`;
  // One limiter per budget: the key prefix keeps their counters apart in a shared table.
  let limiter = limiters.get(id);
  if (limiter) return limiter;
  const options = { keyPrefix: `rl_${family.replace("-", "_")}_${points}`, points, duration: 60 };
  limiter = { local: new RateLimiterMemory(options) };
  if (settings.DATABASE_URL) {
    pool ??= new pg.Pool({
      connectionString: settings.DATABASE_URL,
      max: 2,
      idleTimeoutMillis: 30_000,
      connectionTimeoutMillis: 5_000,
    });
    pool.on("error", () => undefined); // an idle connection dropped: the next query reconnects
    // Writes wait for its table (the first requests after a start count too). Without it (the
    // database was down at the start) this process counts alone; the callback also keeps a failed
    // CREATE TABLE from becoming an unhandled rejection.
    let created: (ok: boolean) => void = () => {};
    const ready = new Promise<boolean>((resolve) => {
      created = resolve;
    });
    const shared = new RateLimiterPostgres(
      { ...options, storeClient: pool, storeType: "pool", tableName: "rate_limits" },
      (error?: unknown) => created(!error),
    );
    limiter.shared = { limiter: shared, ready };
  }
  limiters.set(id, limiter);
  return limiter;
}

/** Subjects the shared count refused, until when (epoch ms): refused here too without asking it. */
const sharedRefusals = new Map<string, number>();
/** Enough for every address of a sustained flood; beyond it the oldest refusal is forgotten first. */
const MAX_SHARED_REFUSALS = 10_000;
const sharedWrites = new Set<Promise<void>>();
/** A database that stopped answering must not pile up writes in memory: past this, counts stay local. */
const MAX_SHARED_WRITES = 1000;

function rememberRefusal(key: string, msBeforeNext: number): void {
  if (sharedRefusals.size >= MAX_SHARED_REFUSALS) {
    const now = Date.now();
    for (const [k, until] of sharedRefusals) if (until <= now) sharedRefusals.delete(k);
    const oldest = sharedRefusals.keys().next();
    if (sharedRefusals.size >= MAX_SHARED_REFUSALS && !oldest.done) sharedRefusals.delete(oldest.value);
  }
  sharedRefusals.delete(key); // re-inserted last: the map stays in order of refusal
  sharedRefusals.set(key, Date.now() + msBeforeNext);
}

function countShared(shared: NonNullable<Limiter["shared"]>, key: string, subject: string): void {
  if (sharedWrites.size >= MAX_SHARED_WRITES) return;
  const write = shared.ready
    .then((ready) => (ready ? shared.limiter.consume(subject) : undefined))
    .then(
      () => undefined,
      (rejection: unknown) => {
        // Over the shared budget: this instance refuses the subject until the window ends. Any other
        // failure (the database unreachable) leaves the local count in charge.
        if (rejection instanceof RateLimiterRes) rememberRefusal(key, rejection.msBeforeNext);
      },
    );
  sharedWrites.add(write);
  void write.finally(() => sharedWrites.delete(write));
}

/** Resolves once the shared counts started so far are written (for tests). */
export async function sharedRateLimitsSettled(): Promise<void> {
  while (sharedWrites.size > 0) await Promise.all([...sharedWrites]);
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
  const limiter = limiterFor(family, points, settings);
  const key = `${family}:${points}|${subject}`;
  const refusedUntil = sharedRefusals.get(key);
  if (refusedUntil !== undefined) {
    const msBeforeNext = refusedUntil - Date.now();
    if (msBeforeNext > 0) return refused(msBeforeNext);
    sharedRefusals.delete(key);
  }
  try {
    await limiter.local.consume(subject);
  } catch (rejection) {
    if (rejection instanceof RateLimiterRes) return refused(rejection.msBeforeNext);
    return { ok: true }; // the memory store cannot fail; if it ever did, let the request through
  }
  if (limiter.shared) countShared(limiter.shared, key, subject);
  return { ok: true };
}

function refused(msBeforeNext: number): RateLimitVerdict {
  return { ok: false, retryAfterS: Math.max(1, Math.ceil(msBeforeNext / 1000)) };
}
