import { type DBSchema, type IDBPDatabase, openDB } from "idb";
import { migrateRecord, STORAGE_VERSION } from "./migrate.ts";
import { type Conversation, parseConversation } from "./schema.ts";

// Conversations live only in this browser: IndexedDB when it works, memory when it does not.
// The server never stores them (a promise to self-hosters, stated in the UI).

export const HISTORY_DB_NAME = "chutes-chat";
/** 2: records carry `formatVersion` (src/lib/history/migrate.ts); the upgrade stamps older ones. */
const DB_VERSION = 2;
const STORE = "conversations";
const OPEN_TIMEOUT_MS = 5000;

interface HistoryDb extends DBSchema {
  conversations: { key: string; value: Conversation & { formatVersion?: number } };
}

/** "unavailable": IndexedDB missing or blocked (private mode, policy); "quota": storage is full. */
export type StorageProblem = "unavailable" | "quota" | "failed";

export class HistoryStorageError extends Error {
  readonly problem: StorageProblem;
  constructor(problem: StorageProblem, options?: { cause?: unknown }) {
    super(`conversation storage: ${problem}`, options);
    this.name = "HistoryStorageError";
    this.problem = problem;
  }
}

export function classifyStorageError(error: unknown): StorageProblem {
  if (error instanceof HistoryStorageError) return error.problem;
  const name = (error as { name?: unknown } | null)?.name;
  if (name === "QuotaExceededError") return "quota";
  if (name === "SecurityError" || name === "InvalidStateError" || name === "UnknownError")
    return "unavailable";
  return "failed";
}

export interface HistoryStore {
  /** False for the in-memory fallback: nothing survives a reload. */
  readonly persistent: boolean;
  /** Every readable conversation; damaged records are skipped, not thrown on. */
  getAll(): Promise<Conversation[]>;
  put(conversation: Conversation): Promise<void>;
  /** All or nothing (one transaction). */
  putMany(conversations: ReadonlyArray<Conversation>): Promise<void>;
  delete(id: string): Promise<void>;
  clear(): Promise<void>;
  /** Releases the database connection (the screen using it went away). */
  close(): void;
}

async function guard<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    throw new HistoryStorageError(classifyStorageError(error), { cause: error });
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new HistoryStorageError("unavailable")), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

export async function openHistoryStore(): Promise<HistoryStore> {
  if (typeof indexedDB === "undefined") throw new HistoryStorageError("unavailable");
  let db: IDBPDatabase<HistoryDb>;
  try {
    db = await withTimeout(
      openDB<HistoryDb>(HISTORY_DB_NAME, DB_VERSION, {
        // A newer app in another tab wants to upgrade: let it, rather than leave it waiting.
        blocking() {
          db.close();
        },
        async upgrade(database, oldVersion, _newVersion, transaction) {
          if (oldVersion < 1) database.createObjectStore(STORE, { keyPath: "id" });
          if (oldVersion < 2) {
            // Bring every record written by an older app to the current format, in the upgrade's
            // own transaction: nothing reads the database before it is done.
            const store = transaction.objectStore(STORE);
            for (let cursor = await store.openCursor(); cursor; cursor = await cursor.continue())
              await cursor.update(migrateRecord(cursor.value) as Conversation);
          }
        },
      }),
      OPEN_TIMEOUT_MS,
    );
  } catch (error) {
    throw new HistoryStorageError("unavailable", { cause: error });
  }
  return {
    persistent: true,
    getAll: () =>
      guard(async () => {
        const records = await db.getAll(STORE);
        return records.flatMap((record) => parseConversation(record) ?? []);
      }),
    put: (conversation) =>
      guard(async () => {
        await db.put(STORE, stamped(conversation));
      }),
    putMany: (conversations) =>
      guard(async () => {
        const tx = db.transaction(STORE, "readwrite");
        await Promise.all([...conversations.map((c) => tx.store.put(stamped(c))), tx.done]);
      }),
    delete: (id) => guard(() => db.delete(STORE, id)),
    clear: () => guard(() => db.clear(STORE)),
    close: () => db.close(),
  };
}

const stamped = (conversation: Conversation) => ({ ...conversation, formatVersion: STORAGE_VERSION });

export function memoryHistoryStore(): HistoryStore {
  const records = new Map<string, Conversation>();
  return {
    persistent: false,
    getAll: async () => [...records.values()],
    put: async (conversation) => {
      records.set(conversation.id, conversation);
    },
    putMany: async (conversations) => {
      for (const c of conversations) records.set(c.id, c);
    },
    delete: async (id) => {
      records.delete(id);
    },
    clear: async () => {
      records.clear();
    },
    close: () => undefined,
  };
}
