import "server-only";
import { closeSync, openSync, readFileSync, rmSync, unlinkSync, writeSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import { PGlite, type QueryOptions } from "@electric-sql/pglite";
import { vector } from "@electric-sql/pglite-pgvector";
import pg from "pg";
import { KbLockedError } from "./errors.ts";

// The two database drivers behind one tiny interface, so that the store's SQL and the migrations are
// written once: embedded PGlite (in-process PostgreSQL compiled to WASM, with pgvector) and a server
// PostgreSQL through `pg`. Only the knowledge-base store uses this module.

export interface Queryable {
  /** Runs one statement with $1-style parameters and returns its rows. */
  query<R>(sql: string, params?: unknown[]): Promise<R[]>;
}

export interface Executor extends Queryable {
  readonly driver: "pglite" | "postgres";
  /** Runs `fn` in a transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------------------
// PGlite

export interface PgliteExecutorOptions {
  /** Directory of the database files; omitted = in memory. */
  dataDir?: string;
  /** Use an existing instance instead (it must have been created with the vector extension). */
  db?: PGlite;
}

export async function openPglite(options: PgliteExecutorOptions): Promise<Executor> {
  let db = options.db;
  let release = () => {};
  if (!db) {
    if (options.dataDir) {
      await mkdir(dirname(options.dataDir), { recursive: true });
      release = acquireDirLock(options.dataDir);
    }
    try {
      db = await PGlite.create({
        ...(options.dataDir ? { dataDir: options.dataDir } : {}),
        extensions: { vector },
      });
    } catch (error) {
      release();
      throw error;
    }
  }
  const instance = db;
  const owned = !options.db;
  // PGlite serializes a parameter by its type's serializer, and pgvector's type has none (its value
  // would be sent as text). One that hands the bytes on unchanged makes PGlite send them in binary.
  let binaryVectors: Promise<QueryOptions> | undefined;
  const binaryVectorOptions = (q: Pick<PGlite, "query">) => {
    binaryVectors ??= q
      .query<{ oid: number }>("SELECT 'vector'::regtype::oid AS oid")
      .then(({ rows: [row] }) => ({ serializers: { [Number(row?.oid)]: passBytes } }));
    binaryVectors.catch(() => {
      binaryVectors = undefined; // the extension is not there yet: ask again next time
    });
    return binaryVectors;
  };
  const wrap = (q: Pick<PGlite, "query">): Queryable => ({
    query: async <R>(sql: string, params?: unknown[]) => {
      const options = params?.some(isBytes) ? await binaryVectorOptions(q) : undefined;
      return (await q.query<R>(sql, params, options)).rows;
    },
  });
  return {
    driver: "pglite",
    ...wrap(instance),
    transaction: (fn) => instance.transaction((tx) => fn(wrap(tx))),
    close: async () => {
      if (owned && !instance.closed) await instance.close();
      release();
    },
  };
}

const isBytes = (value: unknown): value is Uint8Array => value instanceof Uint8Array;
// Typed as returning a string, but PGlite's bind sends an ArrayBufferView as a binary parameter.
const passBytes = ((value: Uint8Array) => value) as unknown as (value: unknown) => string;

/**
 * A pgvector value as a binary parameter, in the format of pgvector's `vector_recv`: the dimensions
 * and a zero as big-endian int16, then each value as a big-endian float4. `pg` and PGlite (above) send a
 * Buffer in binary, so the database does not parse a thousand decimal numbers: as a text literal,
 * that parse took ~3 ms of each vector search in PGlite, against ~0.1 ms this way.
 */
export function vectorParam(values: readonly number[]): Buffer {
  const bytes = Buffer.allocUnsafe(4 + 4 * values.length);
  bytes.writeInt16BE(values.length, 0);
  bytes.writeInt16BE(0, 2);
  for (const [i, value] of values.entries()) bytes.writeFloatBE(value, 4 + 4 * i);
  return bytes;
}

// PGlite is single-process: two processes opening the same directory corrupt it. A lock file next to the
// directory (`<dataDir>.lock`, holding the owner's pid) turns that into a clear error.
const lockRegistry = globalThis as typeof globalThis & { __chutesChatKbLocks?: Set<string> };
lockRegistry.__chutesChatKbLocks ??= new Set();
const heldLocks: Set<string> = lockRegistry.__chutesChatKbLocks;

function acquireDirLock(dataDir: string): () => void {
  const lockPath = `${dataDir}.lock`;
  if (heldLocks.has(lockPath)) {
    throw new KbLockedError(`The knowledge base in ${dataDir} is already open in this process.`);
  }
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(lockPath, "wx");
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST" || attempt > 0) throw error;
      const owner = Number.parseInt(readText(lockPath), 10);
      // Our own pid in a lock we don't hold is a leftover of an earlier process (e.g. a restarted container).
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && isAlive(owner)) {
        throw new KbLockedError(
          `The knowledge base in ${dataDir} is in use by another process (pid ${owner}). The embedded database ` +
            `serves one process at a time: stop the app server before running the ingest (or set DATABASE_URL ` +
            `to use a PostgreSQL server). If no such process runs, delete ${lockPath}.`,
        );
      }
      rmSync(lockPath, { force: true });
    }
  }
  heldLocks.add(lockPath);
  const release = () => {
    if (!heldLocks.delete(lockPath)) return;
    process.off("exit", release);
    try {
      if (Number.parseInt(readText(lockPath), 10) === process.pid) unlinkSync(lockPath);
    } catch {
      // already gone
    }
  };
  process.on("exit", release);
  return release;
}

function readText(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "";
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

// ---------------------------------------------------------------------------------------------------------
// Server PostgreSQL (pg)

export interface PostgresExecutorOptions {
  connectionString: string;
  /** Pool size (default 5). A pglite-socket test server takes one connection at a time: use 1 there. */
  poolSize?: number;
}

/** A SQLSTATE error from the server leaves the connection usable; anything else means it is broken. */
function isSqlError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && /^[0-9A-Z]{5}$/.test(code);
}

export function openPostgres(options: PostgresExecutorOptions): Executor {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.poolSize ?? 5,
    idleTimeoutMillis: 30_000,
  });
  pool.on("error", (error) => {
    console.warn(`[knowledge base] an idle database connection failed: ${error.message}`);
  });

  const withClient = async <T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T> => {
    const client = await pool.connect();
    let broken: Error | undefined;
    try {
      return await fn(client);
    } catch (error) {
      if (!isSqlError(error)) broken = error instanceof Error ? error : new Error(String(error));
      throw error;
    } finally {
      // Releasing with an error destroys the connection; a plain SQL error keeps it for reuse.
      client.release(broken);
    }
  };
  const wrap = (client: pg.PoolClient): Queryable => ({
    query: async <R>(sql: string, params?: unknown[]) =>
      (await client.query(sql, params as unknown[] | undefined)).rows as R[],
  });

  return {
    driver: "postgres",
    query: (sql, params) => withClient((client) => wrap(client).query(sql, params)),
    transaction: async (fn) => {
      const client = await pool.connect();
      let broken: Error | undefined;
      try {
        await client.query("BEGIN");
        const result = await fn(wrap(client));
        await client.query("COMMIT");
        return result;
      } catch (error) {
        // The connection stays in the pool only if it could be rolled back cleanly.
        await client.query("ROLLBACK").catch((rollbackError: unknown) => {
          broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
        });
        throw error;
      } finally {
        client.release(broken);
      }
    },
    close: () => pool.end(),
  };
}
