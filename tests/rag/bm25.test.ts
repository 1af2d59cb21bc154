// @vitest-environment node
import { PGlite } from "@electric-sql/pglite";
import { vector } from "@electric-sql/pglite-pgvector";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { openPglite } from "../../src/lib/rag/db.ts";
import { MIGRATIONS, runMigrations } from "../../src/lib/rag/migrations.ts";
import { type ChunkInput, createKbStore, type DocumentInput, type KbStore } from "../../src/lib/rag/store.ts";
import { BACKENDS, type BackendHandle } from "./backends.ts";

// BM25 full-text ranking from the term statistics the schema keeps (postings, document frequency,
// corpus length), on both stores.

const IDENTITY = { model: "test/bm25", dimensions: 4 };

function chunk(ordinal: number, text: string, heading = ""): ChunkInput {
  return {
    ordinal,
    headingPath: heading,
    text,
    tokenCount: 10,
    contentHash: `h:${heading}:${text}`,
    embedding: null,
  };
}
function doc(source: string, chunks: ChunkInput[], contentHash = source): DocumentInput {
  return { source, title: source, contentHash, chunks };
}
const filler = (n: number) =>
  Array.from({ length: n }, (_, i) =>
    doc(`filler-${i}.md`, [chunk(0, `The client sends a request and reads the response number ${i}.`)]),
  );

const ranking = async (store: KbStore, query: string) =>
  (await store.searchText(query, 10)).map((h) => [h.source, h.headingPath, Math.round(h.score * 1e6)]);

describe.each(BACKENDS)("BM25 full-text search on $name", (backend) => {
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

  it("ranks by rarity: the one rare word outweighs several common ones", async () => {
    for (const d of filler(8)) await store.writeDocument(d);
    await store.writeDocument(
      doc("common.md", [chunk(0, "A client request gets a response from the client.")]),
    );
    await store.writeDocument(
      doc("rare.md", [chunk(0, "Pipelining sends several requests over one socket.")]),
    );
    const hits = await store.searchText("client request response pipelining", 5);
    expect(hits[0]?.source).toBe("rare.md");
    expect(hits[0]?.matchedTerms).toEqual(["pipelining", "request"]);
  });

  it("normalises by length: the same match in a short chunk beats it in a long one", async () => {
    const padding = Array.from({ length: 60 }, (_, i) => `word${i}`).join(" ");
    await store.writeDocument(
      doc("long.md", [chunk(0, `The keepalive timeout is four seconds. ${padding}`)]),
    );
    await store.writeDocument(doc("short.md", [chunk(0, "The keepalive timeout is four seconds.")]));
    expect((await store.searchText("keepalive timeout", 5)).map((h) => h.source)).toEqual([
      "short.md",
      "long.md",
    ]);
  });

  it("finds identifiers, versions and numbers as users write them", async () => {
    for (const d of filler(3)) await store.writeDocument(d);
    await store.writeDocument(
      doc("ids.md", [
        chunk(0, "The error code is UND_ERR_SOCKET when the socket fails."),
        chunk(1, "Kokoro has 82M parameters and ships as v1.2."),
        chunk(2, "Embeddings come from BAAI/bge-m3."),
        chunk(3, "The cache needs node:sqlite to be available."),
      ]),
    );
    const top = async (q: string) => (await store.searchText(q, 3))[0]?.text ?? "";
    expect(await top("UND_ERR_SOCKET")).toContain("UND_ERR_SOCKET");
    expect(await top("how many parameters, 82M?")).toContain("82M");
    expect(await top("what changed in v1.2")).toContain("v1.2");
    expect(await top("bge-m3")).toContain("bge-m3");
    expect(await top("node:sqlite")).toContain("node:sqlite");
    expect((await store.searchText("UND_ERR_SOCKET", 3))[0]?.matchedTerms).toEqual(["UND_ERR_SOCKET"]);
  });

  it("indexes the heading path: a word only in the heading finds the chunk", async () => {
    await store.writeDocument(
      doc("h.md", [chunk(0, "Set it to zero to disable it.", "Client > bodyTimeout")]),
    );
    expect((await store.searchText("bodyTimeout", 3))[0]?.headingPath).toBe("Client > bodyTimeout");
  });

  it("down-weights boilerplate repeated in many chunks", async () => {
    for (let i = 0; i < 6; i++)
      await store.writeDocument(
        doc(`endpoint-${i}.md`, [chunk(0, "This endpoint requires authentication.")]),
      );
    await store.writeDocument(
      doc("auth.md", [chunk(0, "Authentication uses a bearer key in every request header.")]),
    );
    const hits = await store.searchText("authentication", 10);
    expect(hits[0]?.source).toBe("auth.md");
  });

  it("keeps statistics right through edits and prunes: scores equal a fresh build of the same content", async () => {
    for (const d of filler(4)) await store.writeDocument(d);
    await store.writeDocument(
      doc("a.md", [chunk(0, "Retry with exponential backoff on 503."), chunk(1, "Old text about sockets.")]),
    );
    await store.writeDocument(doc("b.md", [chunk(0, "Sockets are reused by the pool.")]));
    // Edit a.md, delete b.md (as --prune does), add c.md.
    await store.writeDocument(
      doc("a.md", [chunk(0, "Retry with exponential backoff on 503 and 429.")], "a2"),
    );
    const b = (await store.listDocuments()).find((d) => d.source === "b.md");
    await store.deleteDocuments([b?.id ?? -1]);
    await store.writeDocument(doc("c.md", [chunk(0, "The pool keeps sockets open between requests.")]));
    const afterEdits = await ranking(store, "retry backoff sockets pool requests");

    await store.reset();
    for (const d of filler(4)) await store.writeDocument(d);
    await store.writeDocument(doc("a.md", [chunk(0, "Retry with exponential backoff on 503 and 429.")]));
    await store.writeDocument(doc("c.md", [chunk(0, "The pool keeps sockets open between requests.")]));
    expect(afterEdits).toEqual(await ranking(store, "retry backoff sockets pool requests"));
    expect(afterEdits.length).toBeGreaterThan(0);
  });

  it("uses the configured text-search language, re-indexing once when it changes", async () => {
    await store.writeDocument(doc("a.md", [chunk(0, "Where is the data kept?")]));
    expect(await store.searchText("where", 5)).toEqual([]); // an english stop word
    const simple = handle.openStore(IDENTITY, { textSearchLanguage: "simple" });
    expect((await simple.searchText("where", 5)).map((h) => h.source)).toEqual(["a.md"]);
    await simple.close();
    const english = handle.openStore(IDENTITY);
    expect(await english.searchText("where", 5)).toEqual([]);
    expect((await english.searchText("data", 5)).map((h) => h.source)).toEqual(["a.md"]);
    await english.close();
  });
});

describe("upgrading a knowledge base built before BM25 statistics", () => {
  it("backfills the statistics of existing chunks, and migrating again does nothing", async () => {
    const db = await PGlite.create({ extensions: { vector } });
    const executor = await openPglite({ db });
    await runMigrations(executor, IDENTITY, MIGRATIONS.slice(0, 1));
    await executor.query(
      "INSERT INTO kb_documents (source, title, content_hash) VALUES ('old.md', 'old', 'x')",
    );
    await executor.query(
      `INSERT INTO kb_chunks (document_id, ordinal, heading_path, text, token_count, content_hash)
       VALUES (1, 0, 'Pool', 'The pool opens connections lazily.', 6, 'a'),
              (1, 1, '', 'Unrelated words here.', 3, 'b')`,
    );
    const store = createKbStore({ driver: "pglite", db, embedding: IDENTITY });
    try {
      expect(await store.migrate()).toBe(MIGRATIONS.length - 1);
      const hits = await store.searchText("which pool opens connections", 5);
      expect(hits.map((h) => [h.source, h.headingPath])).toEqual([["old.md", "Pool"]]);
      // The postings key carries what BM25 reads (migration 3): its searches need no table visit.
      const [key] = await executor.query<{ indexdef: string }>(
        "SELECT indexdef FROM pg_indexes WHERE indexname = 'kb_postings_pkey'",
      );
      expect(key?.indexdef).toMatch(/\(lexeme, chunk_id\) INCLUDE \(tf, len\)$/);
      const again = createKbStore({ driver: "pglite", db, embedding: IDENTITY });
      expect(await again.migrate()).toBe(0);
      await again.close();
    } finally {
      await store.close();
      await db.close();
    }
  });
});
