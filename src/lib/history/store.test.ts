import "fake-indexeddb/auto";
import { IDBFactory } from "fake-indexeddb";
import { beforeEach, describe, expect, it } from "vitest";
import { migrateRecord, STORAGE_VERSION } from "./migrate.ts";
import type { Conversation } from "./schema.ts";
import {
  classifyStorageError,
  HISTORY_DB_NAME,
  HistoryStorageError,
  memoryHistoryStore,
  openHistoryStore,
} from "./store.ts";

const sample: Conversation = {
  id: "c1",
  title: "Hello",
  createdAt: 1,
  updatedAt: 2,
  messages: [{ id: "m1", role: "user", parts: [{ type: "text", text: "Hello" }] }],
};

beforeEach(() => {
  globalThis.indexedDB = new IDBFactory();
});

describe("IndexedDB history store", () => {
  it("stores, lists, deletes and clears conversations", async () => {
    const store = await openHistoryStore();
    expect(store.persistent).toBe(true);
    await store.put(sample);
    await store.putMany([
      { ...sample, id: "c2" },
      { ...sample, id: "c3" },
    ]);
    expect((await store.getAll()).map((c) => c.id).sort()).toEqual(["c1", "c2", "c3"]);
    expect((await store.getAll()).find((c) => c.id === "c1")).toEqual(sample);
    await store.delete("c2");
    expect((await store.getAll()).map((c) => c.id).sort()).toEqual(["c1", "c3"]);
    await store.clear();
    expect(await store.getAll()).toEqual([]);
  });

  it("upgrades a database an older app wrote: every record is stamped with the current format", async () => {
    // The database as version 1 of the app left it: one store, records without a format stamp.
    await new Promise<void>((resolve, reject) => {
      const open = indexedDB.open(HISTORY_DB_NAME, 1);
      open.onupgradeneeded = () => {
        open.result.createObjectStore("conversations", { keyPath: "id" }).put(sample);
      };
      open.onsuccess = () => {
        open.result.close();
        resolve();
      };
      open.onerror = () => reject(open.error);
    });
    const store = await openHistoryStore();
    expect(await store.getAll()).toEqual([sample]);
    store.close();
    const raw = await new Promise<unknown>((resolve, reject) => {
      const open = indexedDB.open(HISTORY_DB_NAME);
      open.onsuccess = () => {
        const get = open.result.transaction("conversations").objectStore("conversations").get("c1");
        get.onsuccess = () => {
          resolve(get.result);
          open.result.close();
        };
      };
      open.onerror = () => reject(open.error);
    });
    expect(raw).toEqual({ ...sample, formatVersion: STORAGE_VERSION });
    expect(migrateRecord({ ...sample, formatVersion: STORAGE_VERSION + 1 })).toEqual({
      ...sample,
      formatVersion: STORAGE_VERSION + 1,
    });
  });

  it("reads records written before answer versions, and keeps versions once stored", async () => {
    // A record from before format 3, written straight into the database as that code left it.
    const db = await openHistoryStore();
    const before = {
      ...sample,
      messages: [...sample.messages, { id: "a1", role: "assistant", parts: [{ type: "text", text: "Hi." }] }],
    } as Conversation;
    await db.put(before);
    const [read] = await (await openHistoryStore()).getAll();
    expect(read).toEqual(before);

    const withVersions: Conversation = {
      ...before,
      messages: [
        ...sample.messages,
        {
          id: "a2",
          role: "assistant",
          parts: [{ type: "text", text: "Hello again." }],
          metadata: {
            versions: [[{ id: "a1", role: "assistant", parts: [{ type: "text", text: "Hi." }] }]],
            versionIndex: 1,
          },
        },
      ],
    };
    await db.put(withVersions);
    expect(await (await openHistoryStore()).getAll()).toEqual([withVersions]);
  });

  it("survives reopening (a reload)", async () => {
    await (await openHistoryStore()).put(sample);
    expect(await (await openHistoryStore()).getAll()).toEqual([sample]);
  });

  it("skips damaged records instead of failing the whole list", async () => {
    const store = await openHistoryStore();
    await store.put(sample);
    await store.put({ id: "broken", title: 5 } as unknown as Conversation);
    expect(await store.getAll()).toEqual([sample]);
  });

  it("says IndexedDB is unavailable when the browser has none", async () => {
    // @ts-expect-error: simulating a browser without IndexedDB
    globalThis.indexedDB = undefined;
    await expect(openHistoryStore()).rejects.toMatchObject({ problem: "unavailable" });
  });

  it("classifies a full disk and blocked storage", () => {
    expect(classifyStorageError(new DOMException("full", "QuotaExceededError"))).toBe("quota");
    expect(classifyStorageError(new DOMException("no", "SecurityError"))).toBe("unavailable");
    expect(classifyStorageError(new HistoryStorageError("quota"))).toBe("quota");
    expect(classifyStorageError(new Error("other"))).toBe("failed");
  });
});

describe("memory history store", () => {
  it("keeps conversations for the page only", async () => {
    const store = memoryHistoryStore();
    expect(store.persistent).toBe(false);
    await store.put(sample);
    expect(await store.getAll()).toEqual([sample]);
    await store.clear();
    expect(await store.getAll()).toEqual([]);
  });
});
