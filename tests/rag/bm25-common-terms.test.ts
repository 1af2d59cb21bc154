// @vitest-environment node
import { PGlite } from "@electric-sql/pglite";
import { vector } from "@electric-sql/pglite-pgvector";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEXT_COMMON_TERM_MIN_CHUNKS } from "../../src/lib/rag/settings.ts";
import { type ChunkInput, createKbStore, type KbStore } from "../../src/lib/rag/store.ts";
import { TEXT_SEARCH } from "../../src/lib/rag/storedSearches.ts";
import { captureSql } from "../support/captureSql.ts";
import { explainStoredSearch } from "../support/explainStoredSearch.ts";
import { BACKENDS, type BackendHandle } from "./backends.ts";

// Full text with very common terms: a term held by most chunks is scored only for the chunks that hold a
// rarer term of the question, and the ranking must stay exactly the plain BM25 over every posting.

const IDENTITY = { model: "test/bm25-common", dimensions: 4 };
const CHUNKS = TEXT_COMMON_TERM_MIN_CHUNKS + 500;

// Every chunk says "client"; 80% say "socket" and 70% "kilo" (all common); few say "pipelining" (30),
// "zebra" (5) or "yankee" (41).
const FILLER = ["alpha", "bravo", "delta", "echo", "foxtrot", "golf", "hotel"];
function tokens(i: number): string[] {
  const words = ["client", `chunk${i}`];
  // The "yankee" chunks are all alike but for "kilo", said three times by every other one. Those are
  // longer, so their "yankee" alone scores less than the others', but "kilo" puts them first: a pruning
  // that ignored what a common term can add would drop exactly the chunks that rank highest.
  if (i % 37 === 5)
    return [
      ...words,
      "yankee",
      ...Array(12).fill("lima"),
      ...(Math.floor(i / 37) % 2 ? ["kilo", "kilo", "kilo"] : []),
    ];
  if (i % 10 < 7) words.push("kilo");
  if (i % 10 < 8) words.push(...(i % 3 === 0 ? ["socket", "socket"] : ["socket"]));
  if (i % 50 === 7) words.push(...(i % 100 === 7 ? ["pipelining", "pipelining"] : ["pipelining"]));
  if (i % 300 === 11) words.push("zebra");
  return [...words, ...FILLER.slice(0, 1 + (i % 7))];
}
function corpus(): ChunkInput[] {
  return Array.from({ length: CHUNKS }, (_, i) => ({
    ordinal: i % 300,
    headingPath: "",
    text: tokens(i).join(" "),
    tokenCount: 10,
    contentHash: `h${i}`,
    embedding: null,
  }));
}

async function writeCorpus(store: KbStore): Promise<void> {
  const chunks = corpus();
  for (let d = 0; d * 300 < chunks.length; d++) {
    await store.writeDocument({
      source: `doc-${d}.md`,
      title: `doc ${d}`,
      contentHash: `doc-${d}`,
      chunks: chunks.slice(d * 300, (d + 1) * 300),
    });
  }
}

/** Plain BM25 (k1 1.2, b 0.75) over every chunk, computed here: the ranking the store must reproduce. */
function reference(question: string, limit: number): [number, string][] {
  const docs = Array.from({ length: CHUNKS }, (_, i) => tokens(i));
  const avg = docs.reduce((n, d) => n + d.length, 0) / CHUNKS;
  const terms = question.split(" ");
  const idf = new Map(
    terms.map((t) => {
      const df = docs.filter((d) => d.includes(t)).length;
      return [t, Math.log(1 + (CHUNKS - df + 0.5) / (df + 0.5))];
    }),
  );
  return docs
    .map((d, i) => {
      let score = 0;
      for (const t of terms) {
        const tf = d.filter((w) => w === t).length;
        if (tf > 0)
          score += ((idf.get(t) ?? 0) * tf * 2.2) / (tf + 1.2 * (1 - 0.75 + (0.75 * d.length) / avg));
      }
      return { i, score };
    })
    .filter((x) => x.score > 0)
    .sort((a, b) => b.score - a.score || a.i - b.i)
    .slice(0, limit)
    .map((x) => [x.i, x.score.toFixed(6)]);
}

const QUESTIONS = [
  "client socket pipelining", // pruned: the 30 chunks with the rare term are the candidates
  "client socket", // common terms only: the rarer, "socket", picks the candidates
  "client socket zebra", // too few candidates for the bound to hold: every posting is scored
  "client kilo yankee", // pruned, and a common term decides which candidates come first
];

describe.each(BACKENDS)("BM25 with very common terms on $name", (backend) => {
  let handle: BackendHandle;
  let store: KbStore;
  beforeAll(async () => {
    handle = await backend.start();
    store = handle.openStore(IDENTITY);
    await writeCorpus(store);
  }, 120_000);
  afterAll(async () => {
    await handle?.close();
  }, 60_000);

  it.each(QUESTIONS)("names the words each hit of %j matched, common ones included", async (question) => {
    const hits = await store.searchText(question, 10);
    expect(hits.length).toBeGreaterThan(0);
    for (const hit of hits) {
      const chunk = tokens(Number(/chunk(\d+)/.exec(hit.text)?.[1]));
      expect(hit.matchedTerms).toEqual(
        question
          .split(" ")
          .filter((word) => chunk.includes(word))
          .sort(),
      );
    }
  });

  it.each(QUESTIONS)("ranks %j exactly as plain BM25 over every posting", async (question) => {
    const hits = await store.searchText(question, 10);
    const ranked = hits.map((h) => [Number(/chunk(\d+)/.exec(h.text)?.[1]), h.score.toFixed(6)]);
    expect(ranked).toEqual(reference(question, 10));
  });
});

describe("BM25 with very common terms: what is read", () => {
  let db: PGlite;
  let store: KbStore;
  let textSearch: ReturnType<typeof captureSql>;
  beforeAll(async () => {
    db = await PGlite.create({ extensions: { vector } });
    textSearch = captureSql(db, (sql) => sql === TEXT_SEARCH.call);
    store = createKbStore({ driver: "pglite", db, embedding: IDENTITY });
    await writeCorpus(store);
  }, 120_000);
  afterAll(async () => {
    await store?.close();
    await db?.close();
  });

  /** Postings rows the store's search reads for `question`, from EXPLAIN ANALYZE of its own query. */
  async function postingsRead(question: string): Promise<number> {
    await store.searchText(question, 10);
    const captured = textSearch.get();
    if (!captured) throw new Error("the search did not call its function");
    const [json] = await explainStoredSearch(
      async (sql, params) => (await db.query<Record<string, unknown>>(sql, params)).rows,
      TEXT_SEARCH,
      captured.params,
      "ANALYZE, FORMAT JSON",
    );
    let total = 0;
    const visit = (node: Record<string, unknown>) => {
      if (node["Relation Name"] === "kb_postings")
        total += Number(node["Actual Rows"] ?? 0) * Number(node["Actual Loops"] ?? 1);
      for (const child of (node.Plans as Record<string, unknown>[] | undefined) ?? []) visit(child);
    };
    const plan = JSON.parse(json ?? "[]") as { Plan: Record<string, unknown> }[];
    visit(plan[0]?.Plan ?? {});
    return total;
  }

  it("does not read the postings of common terms when a rarer term picks the candidates", async () => {
    // "client" alone has CHUNKS postings and "socket" 80% of them; before, all of them were scored.
    const read = await postingsRead("client socket pipelining");
    expect(read).toBeLessThan(200);
  });

  it("lets the rarest term pick the candidates when every term is common", async () => {
    // "client" is in every chunk: its postings are looked up for the "socket" chunks only.
    expect(await postingsRead("client socket")).toBeLessThan(CHUNKS);
  });

  it("scores every posting when the candidates cannot prove the ranking", async () => {
    // Five "zebra" chunks are fewer than the 20 kept: a chunk with common terms alone could outrank one.
    expect(await postingsRead("client socket zebra")).toBeGreaterThan(CHUNKS);
  });
});
