import { PGlite } from "@electric-sql/pglite";
import { vector } from "@electric-sql/pglite-pgvector";
import type { EmbeddingIdentity } from "../../src/lib/rag/errors.ts";
import { createKbStore, type KbStore } from "../../src/lib/rag/store.ts";
import { startPgTestServer } from "./pg-server.ts";

// The two store backends every store test runs against: embedded PGlite, and `pg` over the PostgreSQL
// wire protocol (a pglite-socket server standing in for a PostgreSQL server with pgvector).

export interface BackendHandle {
  /** A new store on this backend's database (which is shared by every store of the handle). */
  openStore(embedding: EmbeddingIdentity, options?: { textSearchLanguage?: string }): KbStore;
  close(): Promise<void>;
}

export interface Backend {
  name: string;
  start(): Promise<BackendHandle>;
}

export const BACKENDS: Backend[] = [
  {
    name: "PGlite (embedded)",
    async start() {
      const db = await PGlite.create({ extensions: { vector } });
      const stores: KbStore[] = [];
      return {
        openStore(embedding, options = {}) {
          const store = createKbStore({ driver: "pglite", db, embedding, ...options });
          stores.push(store);
          return store;
        },
        async close() {
          for (const store of stores) await store.close();
          await db.close();
        },
      };
    },
  },
  {
    name: "PostgreSQL via pg (pglite-socket server)",
    async start() {
      const server = await startPgTestServer();
      const stores: KbStore[] = [];
      return {
        openStore(embedding, options = {}) {
          const store = createKbStore({
            ...options,
            driver: "postgres",
            connectionString: server.url,
            poolSize: 1,
            embedding,
          });
          stores.push(store);
          return store;
        },
        async close() {
          for (const store of stores) await store.close();
          await server.stop();
        },
      };
    },
  },
];
