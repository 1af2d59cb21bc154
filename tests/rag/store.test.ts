// @vitest-environment node
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { vector } from "@electric-sql/pglite-pgvector";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  EmbeddingDimensionError,
  KbLockedError,
  KbMismatchError,
  PgvectorMissingError,
} from "../../src/lib/rag/errors.ts";
import { exactTerms, queryWords } from "../../src/lib/rag/lexicon.ts";
import { MIGRATIONS } from "../../src/lib/rag/migrations.ts";
import { type ChunkInput, createKbStore, type DocumentInput, type KbStore } from "../../src/lib/rag/store.ts";
import { TEXT_SEARCH, VECTOR_SEARCH } from "../../src/lib/rag/storedSearches.ts";
import { embedText } from "../emulator/embeddings.ts";
import { explainStoredSearch } from "../support/explainStoredSearch.ts";
import { BACKENDS, type BackendHandle } from "./backends.ts";
import { startPgTestServer } from "./pg-server.ts";

const DIM = 16;
const IDENTITY = { model: "test/hash-embed", dimensions: DIM };

function chunk(
  ordinal: number,
  text: string,
  options: { embed?: boolean; heading?: string } = {},
): ChunkInput {
  return {
    ordinal,
    headingPath: options.heading ?? "",
    text,
    tokenCount: text.split(/\s+/).length,
    contentHash: `hash:${text}`,
    embedding: options.embed === false ? null : embedText(text, DIM),
  };
}

function doc(
  source: string,
  chunks: ChunkInput[],
  contentHash = `doc:${source}:${chunks.length}`,
): DocumentInput {
  return { source, title: source.replace(/\.md$/, ""), contentHash, chunks };
}

describe.each(BACKENDS)("KbStore on $name", (backend) => {
  let handle: BackendHandle;
  let store: KbStore;

  beforeAll(async () => {
    handle = await backend.start();
    store = handle.openStore(IDENTITY);
  }, 60_000);
  afterAll(async () => {
    await handle?.close();
  }, 60_000);
  beforeEach(async () => {
    await store.reset();
  });

  it("applies migrations once: a second store on the same database has nothing to do", async () => {
    expect(await store.getMeta()).toEqual(IDENTITY);
    const second = handle.openStore(IDENTITY);
    expect(await second.migrate()).toBe(0);
    expect(await second.migrate()).toBe(0);
    expect(await second.stats()).toEqual({ documents: 0, chunks: 0, embeddedChunks: 0 });
    await second.close();
    expect(MIGRATIONS.map((m) => m.id)).toEqual([1, 2, 3]);
  });

  it("writes, lists and replaces a document with its chunks", async () => {
    await store.writeDocument(
      doc("a.md", [chunk(0, "alpha beta", { heading: "A" }), chunk(1, "gamma delta", { embed: false })]),
    );
    let [listed] = await store.listDocuments();
    expect(listed).toMatchObject({ source: "a.md", title: "a", chunkCount: 2, missingEmbeddings: 1 });
    expect(listed?.createdAt).toBeInstanceOf(Date);

    const { documentId } = await store.writeDocument(doc("a.md", [chunk(0, "epsilon")], "v2"));
    expect(documentId).toBe(listed?.id);
    [listed] = await store.listDocuments();
    expect(listed).toMatchObject({ contentHash: "v2", chunkCount: 1, missingEmbeddings: 0 });
    const chunks = await store.listChunks();
    expect(chunks.map((c) => [c.source, c.ordinal, c.text, c.hasEmbedding])).toEqual([
      ["a.md", 0, "epsilon", true],
    ]);
    expect(await store.stats()).toEqual({ documents: 1, chunks: 1, embeddedChunks: 1 });
  });

  it("writes a document atomically: a failure mid-write leaves the previous version intact", async () => {
    await store.writeDocument(doc("a.md", [chunk(0, "first version")], "v1"));
    // PostgreSQL rejects NUL characters in text: the second chunk fails after the first was inserted.
    const broken = doc("a.md", [chunk(0, "second version"), chunk(1, "bad \u0000 byte")], "v2");
    await expect(store.writeDocument(broken)).rejects.toThrow();
    const [listed] = await store.listDocuments();
    expect(listed?.contentHash).toBe("v1");
    expect((await store.listChunks()).map((c) => c.text)).toEqual(["first version"]);
  });

  it("rejects embeddings of the wrong dimension before writing anything", async () => {
    const bad = { ...chunk(0, "x"), embedding: [1, 2, 3] };
    await expect(store.writeDocument(doc("a.md", [bad]))).rejects.toBeInstanceOf(EmbeddingDimensionError);
    expect(await store.listDocuments()).toEqual([]);
  });

  it("deletes documents with their chunks (ON DELETE CASCADE)", async () => {
    const { documentId } = await store.writeDocument(doc("a.md", [chunk(0, "one"), chunk(1, "two")]));
    await store.writeDocument(doc("b.md", [chunk(0, "three")]));
    expect(await store.deleteDocuments([documentId])).toBe(1);
    expect((await store.listChunks()).map((c) => c.source)).toEqual(["b.md"]);
  });

  it("finds stored embeddings by chunk content hash", async () => {
    await store.writeDocument(doc("a.md", [chunk(0, "alpha"), chunk(1, "beta", { embed: false })]));
    const found = await store.findEmbeddings(["hash:alpha", "hash:beta", "hash:unknown"]);
    expect([...found.keys()]).toEqual(["hash:alpha"]);
    const stored = found.get("hash:alpha") ?? [];
    const expected = embedText("alpha", DIM);
    expect(stored).toHaveLength(DIM);
    stored.forEach((v, i) => {
      expect(v).toBeCloseTo(expected[i] ?? Number.NaN, 6);
    });
  });

  it("searches by vector (cosine) and by full text", async () => {
    await store.writeDocument(
      doc("kb.md", [
        chunk(0, "The default embedding model is BAAI/bge-m3 with 1024 dimensions", {
          heading: "Embeddings",
        }),
        chunk(1, "Run the ingest again after editing files", { heading: "Ingest" }),
        chunk(2, "Signing out removes the session", { heading: "Sessions", embed: false }),
      ]),
    );
    const vectorHits = await store.searchVector(embedText("which embedding model is the default", DIM), 10);
    expect(vectorHits[0]?.text).toContain("BAAI/bge-m3");
    expect(vectorHits.map((h) => h.text)).not.toContain("Signing out removes the session"); // not embedded
    expect(vectorHits[0]?.score).toBeGreaterThan(vectorHits[1]?.score ?? 1);

    const textHits = await store.searchText("What is the default embedding model?", 10);
    expect(textHits[0]?.text).toContain("BAAI/bge-m3");
    expect(textHits[0]).toMatchObject({ title: "kb", source: "kb.md", headingPath: "Embeddings" });
    // Any-word matching: a question whose words are not all in one chunk still finds something.
    expect((await store.searchText("sign out of my session please", 10))[0]?.text).toContain("Signing out");
    // Heading paths are searchable, and slashes split path-like tokens.
    expect((await store.searchText("bge-m3", 10))[0]?.text).toContain("BAAI/bge-m3");
    expect(await store.searchText("what is it", 10)).toEqual([]); // stop words only
    expect(await store.searchText("   ", 10)).toEqual([]);
  });

  it("searches with the question's vector exactly as given (sent to the database in binary)", async () => {
    const texts = ["alpha beta", "gamma delta", "epsilon zeta"];
    await store.writeDocument(
      doc(
        "exact.md",
        texts.map((text, i) => chunk(i, text)),
      ),
    );
    for (const text of texts) {
      const [nearest] = await store.searchVector(embedText(text, DIM), 1);
      expect(nearest?.text).toBe(text);
      expect(nearest?.score).toBeCloseTo(1, 6);
    }
    // Signs, tiny and large magnitudes, and zeros survive: a scaled copy points the same way.
    const own = embedText("gamma delta", DIM).map((v, i) => (i % 5 === 0 ? 0 : v * 1e-20 * (i % 2 ? 1 : -1)));
    const stored = { ...chunk(3, "scaled"), embedding: own.map((v) => v * 1e25) };
    await store.writeDocument(doc("scaled.md", [stored]));
    const [hit] = await store.searchVector(own, 1);
    expect(hit?.text).toBe("scaled");
    expect(hit?.score).toBeCloseTo(1, 5);
    await expect(store.searchVector([1, 2, 3], 1)).rejects.toBeInstanceOf(EmbeddingDimensionError);
  });

  it("returns as many nearest chunks as asked, beyond the index's default of 40", async () => {
    await store.writeDocument(
      doc(
        "many.md",
        Array.from({ length: 60 }, (_, i) => chunk(i, `passage number ${i} about topic ${i % 7}`)),
      ),
    );
    const hits = await store.searchVector(embedText("passage about topic 3", DIM), 55);
    expect(hits).toHaveLength(55);
    expect(new Set(hits.map((h) => h.chunkId)).size).toBe(55);
    // Nearest first, as a full scan would order them.
    const scores = hits.map((h) => h.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
  });

  it("reports status for an empty, a text-only and an embedded knowledge base", async () => {
    expect(await store.status()).toEqual({ meta: IDENTITY, hasChunks: false, hasEmbeddings: false });
    await store.writeDocument(doc("a.md", [chunk(0, "text only", { embed: false })]));
    expect(await store.status()).toMatchObject({ hasChunks: true, hasEmbeddings: false });
    await store.writeDocument(doc("b.md", [chunk(0, "embedded")]));
    expect(await store.status()).toMatchObject({ hasChunks: true, hasEmbeddings: true });
  });

  it("refuses a store configured for another model or dimension, until a reset", async () => {
    await store.writeDocument(doc("a.md", [chunk(0, "alpha")]));
    const other = handle.openStore({ model: "other/model", dimensions: 8 });
    await expect(other.assertCompatible()).rejects.toBeInstanceOf(KbMismatchError);
    await expect(other.assertCompatible()).rejects.toThrow(/npm run ingest -- --reset/);
    await other.reset();
    expect(await other.getMeta()).toEqual({ model: "other/model", dimensions: 8 });
    expect(await other.stats()).toEqual({ documents: 0, chunks: 0, embeddedChunks: 0 });
    await other.writeDocument({
      source: "b.md",
      title: "b",
      contentHash: "x",
      chunks: [{ ...chunk(0, "beta"), embedding: embedText("beta", 8) }],
    });
    await expect(store.assertCompatible()).rejects.toBeInstanceOf(KbMismatchError);
    await other.close();
  });
});

describe("the searches kept in the database", () => {
  it("are created by a store that finds them missing, beside an older version's", async () => {
    const db = await PGlite.create({ extensions: { vector } });
    try {
      const first = createKbStore({ driver: "pglite", db, embedding: IDENTITY });
      await first.writeDocument(doc("a.md", [chunk(0, "Rotate the signing key every quarter")]));
      await first.close();
      // A database left by a version before these functions (or after another version changed them).
      await db.exec(`DROP FUNCTION ${TEXT_SEARCH.signature}; DROP FUNCTION ${VECTOR_SEARCH.signature};
                     CREATE FUNCTION kb_search_text_000000000000(text[], text[], integer, text, text[])
                       RETURNS SETOF integer LANGUAGE sql AS 'SELECT 1'`);
      const next = createKbStore({ driver: "pglite", db, embedding: IDENTITY });
      expect((await next.searchText("signing key", 5))[0]?.text).toBe("Rotate the signing key every quarter");
      expect(await next.searchVector(embedText("Rotate the signing key every quarter", DIM), 5)).toHaveLength(
        1,
      );
      const functions = await db.query<{ name: string }>(
        "SELECT proname AS name FROM pg_proc WHERE proname LIKE 'kb_search_%' ORDER BY proname",
      );
      expect(functions.rows.map((r) => r.name).sort()).toEqual(
        ["kb_search_text_000000000000", TEXT_SEARCH.name, VECTOR_SEARCH.name].sort(),
      );
      await next.close();
    } finally {
      await db.close();
    }
  });

  it("keep a plan that reads no table whole, though made on a knowledge base of one chunk", async () => {
    // The plan is kept for the connection while an ingest grows the tables: one chosen for a table of one
    // page (a scan of it all per hit) would be kept at 100k chunks.
    const db = await PGlite.create({ extensions: { vector } });
    try {
      const store = createKbStore({ driver: "pglite", db, embedding: IDENTITY });
      await store.writeDocument(doc("a.md", [chunk(0, "Rotate the signing key every quarter")]));
      await db.exec("ANALYZE"); // statistics of tiny tables, as a server's autovacuum would gather them
      const query = async (sql: string, params?: unknown[]) =>
        (await db.query<Record<string, unknown>>(sql, params)).rows;
      const text = await explainStoredSearch(
        query,
        TEXT_SEARCH,
        [["signing", "key"], [], 10, "english", []],
        "",
      );
      const nearest = await explainStoredSearch(
        query,
        VECTOR_SEARCH,
        [`[${embedText("signing key", DIM).join(",")}]`, 10],
        "",
      );
      expect(text.join("\n")).toContain("kb_postings_pkey");
      expect([...text, ...nearest].filter((line) => line.includes("Seq Scan"))).toEqual([]);
      await store.close();
    } finally {
      await db.close();
    }
  });
});

describe("query words and exact terms", () => {
  it("keeps a question's words as written, without surrounding punctuation or repeats", () => {
    expect(queryWords('What is "the" default model, or -not? Model')).toEqual([
      "What",
      "is",
      "the",
      "default",
      "model",
      "or",
      "not",
    ]);
    expect(queryWords("BAAI/bge-m3 v1.2?")).toEqual(["BAAI", "bge-m3", "v1.2"]);
    expect(queryWords("  ?? ")).toEqual([]);
  });

  it("keeps identifiers joined by _ or : that the text parser would split", () => {
    expect(exactTerms("Throws UND_ERR_SOCKET; needs node:sqlite, not bge-m3 or v1.2")).toEqual([
      "und_err_socket",
      "node:sqlite",
    ]);
  });
});

describe("a PostgreSQL server without pgvector", () => {
  it("fails with a clear error that says how to install pgvector", async () => {
    const server = await startPgTestServer({ withVector: false });
    const store = createKbStore({
      driver: "postgres",
      connectionString: server.url,
      poolSize: 1,
      embedding: IDENTITY,
    });
    try {
      const error = await store.migrate().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(PgvectorMissingError);
      expect(String((error as Error).message)).toMatch(/pgvector\/pgvector/);
      expect(String((error as Error).message)).toMatch(/postgresql-NN-pgvector/);
      // Nothing half-created: the migration transaction rolled back.
      const rows = await server.db.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM pg_tables WHERE tablename LIKE 'kb_%'",
      );
      expect(rows.rows[0]?.n).toBe(0);
      // And every later call reports the same instead of hanging or half-working.
      await expect(store.stats()).rejects.toBeInstanceOf(PgvectorMissingError);
    } finally {
      await store.close();
      await server.stop();
    }
  }, 60_000);
});

describe("PGlite on disk (DATA_DIR)", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "kb-store-"));
  }, 60_000);
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  }, 60_000);

  it("persists across reopen and locks the directory against a second opener", async () => {
    const dataDir = join(dir, "kb");
    const first = createKbStore({ driver: "pglite", dataDir, embedding: IDENTITY });
    await first.writeDocument(doc("a.md", [chunk(0, "persisted text")]));

    const second = createKbStore({ driver: "pglite", dataDir, embedding: IDENTITY });
    await expect(second.stats()).rejects.toBeInstanceOf(KbLockedError);
    await second.close();
    await first.close();

    const reopened = createKbStore({ driver: "pglite", dataDir, embedding: IDENTITY });
    expect((await reopened.listChunks()).map((c) => c.text)).toEqual(["persisted text"]);
    expect(await reopened.migrate()).toBe(0);
    await reopened.close();
  }, 60_000);
});
