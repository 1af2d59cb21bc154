import "server-only";
import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from "node:crypto";
import pg from "pg";
import { getConfig } from "../config.ts";
import { log } from "../log.ts";

// State that several app instances must agree on lives in PostgreSQL when DATABASE_URL is set
// (today: the outcome of an OAuth refresh; the home for rate-limit counters too). Without it, each
// process keeps its own, as a single instance needs nothing more.
//
// `runSharedOnce` is a cross-instance single flight: callers with the same key take a PostgreSQL
// advisory lock in turn; the first runs the task and leaves its result in app_shared_results for
// `ttlMs`, encrypted with a key derived from NEXTAUTH_SECRET (a refresh result holds live tokens);
// the others find it there and never run the task.

const TABLE_SQL = `CREATE TABLE IF NOT EXISTS app_shared_results (
  scope text NOT NULL,
  key text NOT NULL,
  value text NOT NULL,
  expires_at timestamptz NOT NULL,
  PRIMARY KEY (scope, key)
)`;

interface SharedDb {
  pool: pg.Pool;
  ready: Promise<void>;
  cipherKey: Buffer;
}

const g = globalThis as typeof globalThis & { __chutesChatSharedDb?: SharedDb | null };

/** The shared database, or null when this instance runs alone (no DATABASE_URL or no secret). */
function sharedDb(): SharedDb | null {
  if (g.__chutesChatSharedDb !== undefined) return g.__chutesChatSharedDb;
  const config = getConfig();
  if (!config.DATABASE_URL || !config.NEXTAUTH_SECRET) {
    g.__chutesChatSharedDb = null;
    return null;
  }
  const pool = new pg.Pool({ connectionString: config.DATABASE_URL, max: 4, idleTimeoutMillis: 30_000 });
  pool.on("error", (error) => log().warn({ err: error.name }, "shared state: idle connection failed"));
  const cipherKey = Buffer.from(
    hkdfSync("sha256", config.NEXTAUTH_SECRET, "chutes-chat", "shared-state v1", 32),
  );
  const ready = createTable(pool);
  ready.catch(() => undefined);
  g.__chutesChatSharedDb = { pool, ready, cipherKey };
  return g.__chutesChatSharedDb;
}

/** CREATE TABLE IF NOT EXISTS races between processes; a transaction-scoped lock serialises it. */
async function createTable(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    await client.query("SELECT pg_advisory_xact_lock($1::bigint)", [lockId("schema", "app_shared_results")]);
    await client.query(TABLE_SQL);
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

export function isStateShared(): boolean {
  return sharedDb() !== null;
}

function seal(key: Buffer, plain: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  const body = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64");
}

function open(key: Buffer, sealed: string): string {
  const raw = Buffer.from(sealed, "base64");
  const decipher = createDecipheriv("aes-256-gcm", key, raw.subarray(0, 12));
  decipher.setAuthTag(raw.subarray(12, 28));
  return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString("utf8");
}

/** A 64-bit advisory lock id for (scope, key). */
function lockId(scope: string, key: string): string {
  return createHash("sha256").update(`${scope}\u0000${key}`).digest().readBigInt64BE(0).toString();
}

export interface SharedOnceOptions<T> {
  /** How long the result answers later callers. */
  ttlMs: number;
  /** Whether a result may be shared (failures worth retrying are not). */
  retain?: (value: T) => boolean;
}

/**
 * Runs `task` once across all instances sharing the database for (scope, key) within `ttlMs`; `key`
 * must already be a hash when derived from a secret. Runs it locally when nothing is shared.
 */
export async function runSharedOnce<T>(
  scope: string,
  key: string,
  task: () => Promise<T>,
  options: SharedOnceOptions<T>,
): Promise<T> {
  const db = sharedDb();
  if (!db) return task();
  await db.ready;
  const client = await db.pool.connect();
  let broken: Error | undefined;
  const id = lockId(scope, key);
  try {
    await client.query("SELECT pg_advisory_lock($1::bigint)", [id]);
    try {
      const { rows } = await client.query<{ value: string }>(
        "SELECT value FROM app_shared_results WHERE scope = $1 AND key = $2 AND expires_at > now()",
        [scope, key],
      );
      if (rows[0]) return JSON.parse(open(db.cipherKey, rows[0].value)) as T;
      const value = await task();
      if (options.retain?.(value) ?? true) {
        await client.query("DELETE FROM app_shared_results WHERE expires_at < now()");
        await client.query(
          `INSERT INTO app_shared_results (scope, key, value, expires_at)
           VALUES ($1, $2, $3, now() + make_interval(secs => $4::double precision / 1000))
           ON CONFLICT (scope, key) DO UPDATE SET value = EXCLUDED.value, expires_at = EXCLUDED.expires_at`,
          [scope, key, seal(db.cipherKey, JSON.stringify(value)), options.ttlMs],
        );
      }
      return value;
    } finally {
      await client.query("SELECT pg_advisory_unlock($1::bigint)", [id]).catch((error: Error) => {
        broken = error;
      });
    }
  } catch (error) {
    broken ??= error instanceof Error && !("code" in error) ? error : undefined;
    throw error;
  } finally {
    client.release(broken);
  }
}

/** Closes the shared database's connections (graceful shutdown). */
export async function closeSharedState(): Promise<void> {
  const db = g.__chutesChatSharedDb;
  g.__chutesChatSharedDb = undefined;
  if (db) await db.pool.end();
}
