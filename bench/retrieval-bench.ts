// Retrieval quality and latency on a public documentation set the project did not write.
//
//   npm run bench:retrieval [-- --label after] [--rounds 5] [--no-pg]
//
// Corpus: undici 8.12.4's Markdown docs (MIT; bench/data/undici-docs, copied from the npm package).
// Questions: bench/retrieval/questions.json (each with the files that answer it; a quarter paraphrased).
// One run ingests the corpus with the app's own ingest into an in-memory PGlite store, then asks every
// question of four systems over the SAME chunks:
//   - hybrid     the app's retriever (vector + full text, fused)
//   - full-text  the store's lexical search alone (what users get when embeddings are down)
//   - vector     the store's nearest-neighbour search alone
//   - BM25       MiniSearch (BM25+, a maintained library) over the stored chunks' text, heading path, title
// Embeddings: the Chutes emulator's deterministic text-similar vectors (tests/emulator/embeddings.ts,
// feature hashing of words and bigrams, 1024 dimensions). No npm package ships sentence-embedding weights
// that run offline here, so "vector" measures lexical-ish similarity, not a semantic model.
// Metrics are per file: a hit is a retrieved chunk from one of the question's answer files.
// With PostgreSQL through `pg` (a pglite-socket server) the same full-text queries are repeated and the
// ranked lists compared, so the two stores are shown to rank alike.

import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { PGlite } from "@electric-sql/pglite";
import { vector } from "@electric-sql/pglite-pgvector";
import MiniSearch from "minisearch";
import { openPglite } from "../src/lib/rag/db.ts";
import { ingest } from "../src/lib/rag/ingest.ts";
import { createRetriever, fuse } from "../src/lib/rag/retriever.ts";
import { DEFAULT_FUSION, DEFAULT_MIN_SIMILARITY } from "../src/lib/rag/settings.ts";
import { createKbStore, type KbStore, type SearchHit } from "../src/lib/rag/store.ts";
import { type StoredSearch, TEXT_SEARCH, VECTOR_SEARCH } from "../src/lib/rag/storedSearches.ts";
import { embedText } from "../tests/emulator/embeddings.ts";
import { EMBEDDING_DIMENSIONS, EMBEDDING_MODEL } from "../tests/emulator/fixtures.ts";
import { startPgTestServer } from "../tests/rag/pg-server.ts";
import { captureSql } from "../tests/support/captureSql.ts";
import { explainStoredSearch } from "../tests/support/explainStoredSearch.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const CORPUS = join(ROOT, "bench/data/undici-docs");
const IDENTITY = { model: EMBEDDING_MODEL, dimensions: EMBEDDING_DIMENSIONS };
const K = 10;

interface Question {
  q: string;
  answers: string[];
  paraphrased?: boolean;
}

function arg(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index === -1 ? undefined : process.argv[index + 1];
}
const label = arg("label") ?? "current";
const rounds = Math.max(1, Number(arg("rounds") ?? 5));
const withPg = !process.argv.includes("--no-pg");

type System =
  | "hybrid"
  | "full-text"
  | "vector"
  | "BM25 (MiniSearch)"
  | "BM25 (MiniSearch, English stop words)";

// A second, stronger baseline: the same library told to ignore English function words (the stop words
// of PostgreSQL's english configuration, which the app's full-text search drops too).
const STOP_WORDS = new Set(
  (
    "a about above after again against all am an and any are as at be because been before being below between both " +
    "but by can did do does doing down during each few for from further had has have having he her here hers " +
    "herself him himself his how i if in into is it its itself just me more most my myself no nor not now of off " +
    "on once only or other our ours ourselves out over own s same she should so some such t than that the their " +
    "theirs them themselves then there these they this those through to too under until up very was we were what " +
    "when where which while who whom why will with you your yours yourself yourselves"
  ).split(" "),
);
type Search = (question: string) => Promise<string[]>; // ranked sources, one per chunk

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}
const round3 = (x: number) => Math.round(x * 1000) / 1000;
const round2 = (x: number) => Math.round(x * 100) / 100;

function score(ranked: string[], answers: string[]) {
  const firstHit = ranked.slice(0, K).findIndex((source) => answers.includes(source));
  return {
    r1: firstHit === 0 ? 1 : 0,
    r5: firstHit !== -1 && firstHit < 5 ? 1 : 0,
    mrr: firstHit === -1 ? 0 : 1 / (firstHit + 1),
  };
}

async function evaluate(name: System, search: Search, questions: Question[]) {
  for (const q of questions.slice(0, 5)) await search(q.q); // warm-up
  const times: number[] = [];
  const perQuestion: { q: string; top: string[]; r1: number; r5: number; mrr: number }[] = [];
  for (let r = 0; r < rounds; r++) {
    for (const question of questions) {
      const started = performance.now();
      const ranked = await search(question.q);
      times.push(performance.now() - started);
      if (r === 0)
        perQuestion.push({ q: question.q, top: ranked.slice(0, 5), ...score(ranked, question.answers) });
    }
  }
  times.sort((a, b) => a - b);
  const mean = (rows: typeof perQuestion, key: "r1" | "r5" | "mrr") =>
    rows.length === 0 ? 0 : round3(rows.reduce((s, x) => s + x[key], 0) / rows.length);
  const para = perQuestion.filter((_, i) => questions[i]?.paraphrased);
  return {
    system: name,
    r1: mean(perQuestion, "r1"),
    r5: mean(perQuestion, "r5"),
    mrr10: mean(perQuestion, "mrr"),
    paraphrasedMrr10: mean(para, "mrr"),
    p50Ms: round2(percentile(times, 50)),
    p95Ms: round2(percentile(times, 95)),
    misses: perQuestion.filter((x) => x.r5 === 0).map((x) => ({ q: x.q, top: x.top })),
  };
}

/** Records the arguments of the store's two searches run on `db`, so their plans can be shown. */
function captureSearches(db: PGlite) {
  const text = captureSql(db, (sql) => sql === TEXT_SEARCH.call);
  const vectorSearch = captureSql(db, (sql) => sql === VECTOR_SEARCH.call);
  return { text: () => text.get()?.params, vector: () => vectorSearch.get()?.params };
}

/** The index scans in the plans of the captured searches (as their functions run them). */
async function indexScans(db: PGlite, captured: ReturnType<typeof captureSearches>) {
  const plan = async (search: StoredSearch, params: unknown[] | undefined) => {
    if (!params) return [];
    // Through the store's executor: the captured vector is a binary parameter only it knows how to send.
    const executor = await openPglite({ db });
    const lines = await explainStoredSearch((sql, p) => executor.query(sql, p), search, params, "");
    const scans = lines.map((line) =>
      /(Index|Index Only|Bitmap Index|Seq) Scan (?:using (\S+) )?on (\S+)/.exec(line),
    );
    return [
      // "Bitmap Index Scan on" names the index itself.
      ...new Set(
        scans
          .filter((m) => m !== null)
          .map((m) => (m[1] === "Seq" ? `seq scan ${m[3]}` : `index ${m[2] ?? m[3]}`)),
      ),
    ];
  };
  return {
    text: await plan(TEXT_SEARCH, captured.text()),
    vector: await plan(VECTOR_SEARCH, captured.vector()),
  };
}

async function ingestCorpus(store: KbStore) {
  let texts = 0;
  const embed = async (batch: string[]) => {
    texts += batch.length;
    return batch.map((text) => embedText(text));
  };
  const first = await ingest({ paths: [CORPUS], baseDir: CORPUS, store, embed });
  const again = await ingest({ paths: [CORPUS], baseDir: CORPUS, store, embed });
  return { first, again, textsEmbedded: texts };
}

const print = (line: string) => process.stdout.write(`${line}\n`);

async function main() {
  const { questions } = JSON.parse(await readFile(join(ROOT, "bench/retrieval/questions.json"), "utf8")) as {
    questions: Question[];
  };
  const db = await PGlite.create({ extensions: { vector } });
  const captured = captureSearches(db);
  const store = createKbStore({ driver: "pglite", db, embedding: IDENTITY });
  const ingested = await ingestCorpus(store);
  // As a server database would be after autovacuum: the planner then knows the table sizes (EXPLAIN below).
  await db.query("ANALYZE");
  const chunks = await store.listChunks();
  const documents = await store.listDocuments();
  const titleOf = new Map(documents.map((d) => [d.id, d.title]));
  const distinctTexts = new Set(chunks.map((c) => c.text)).size;
  const distinctHashes = new Set(chunks.map((c) => c.contentHash)).size;
  const tokens = chunks.map((c) => c.tokenCount);
  const corpus = {
    files: documents.length,
    chunks: chunks.length,
    under20Tokens: tokens.filter((t) => t < 20).length,
    under50Tokens: tokens.filter((t) => t < 50).length,
    over400Tokens: tokens.filter((t) => t > 400).length,
    maxTokens: Math.max(...tokens),
    distinctChunkTexts: distinctTexts,
    distinctEmbeddingKeys: distinctHashes,
    htmlChunks: chunks.filter((c) => /<\/?[a-z][\w-]*(\s[^>]*)?>/i.test(c.text)).length,
  };
  const ingestReport = {
    embeddingCalls: ingested.first.embeddingCalls,
    textsEmbedded: ingested.textsEmbedded,
    chunksSharingAnEmbedding: chunks.length - ingested.textsEmbedded,
    unchangedReingestEmbeddingCalls: ingested.again.embeddingCalls,
    durationMs: ingested.first.durationMs,
  };

  // The app's retriever with the configuration's defaults (fusion weights, vector floor, per-file cap).
  const retriever = createRetriever({
    store,
    embed: async (texts) => texts.map((text) => embedText(text)),
    topK: K,
    minScore: DEFAULT_MIN_SIMILARITY,
    fusion: DEFAULT_FUSION,
  });
  const hybrid: Search = async (q) =>
    (await retriever({ query: q, credential: "bench", k: K })).chunks.map((c) => c.source);
  const fullText: Search = async (q) => (await store.searchText(q, K)).map((h: SearchHit) => h.source);
  const vectorOnly: Search = async (q) => (await store.searchVector(embedText(q), K)).map((h) => h.source);

  const mini = new MiniSearch({ fields: ["title", "headingPath", "text"], storeFields: ["source"] });
  mini.addAll(
    chunks.map((c) => ({
      id: c.id,
      source: c.source,
      title: titleOf.get(c.documentId) ?? "",
      headingPath: c.headingPath,
      text: c.text,
    })),
  );
  const bm25: Search = async (q) =>
    mini
      .search(q)
      .slice(0, K)
      .map((r) => String(r.source));
  const withoutStopWords = (term: string) => {
    const lower = term.toLowerCase();
    return STOP_WORDS.has(lower) ? null : lower;
  };
  const miniStop = new MiniSearch({
    fields: ["title", "headingPath", "text"],
    storeFields: ["source"],
    processTerm: withoutStopWords,
  });
  miniStop.addAll(
    chunks.map((c) => ({
      id: c.id,
      source: c.source,
      title: titleOf.get(c.documentId) ?? "",
      headingPath: c.headingPath,
      text: c.text,
    })),
  );
  const bm25Stop: Search = async (q) =>
    miniStop
      .search(q)
      .slice(0, K)
      .map((r) => String(r.source));

  const results = [
    await evaluate("hybrid", hybrid, questions),
    await evaluate("full-text", fullText, questions),
    await evaluate("vector", vectorOnly, questions),
    await evaluate("BM25 (MiniSearch)", bm25, questions),
    await evaluate("BM25 (MiniSearch, English stop words)", bm25Stop, questions),
  ];

  const plans: Record<string, Awaited<ReturnType<typeof indexScans>>> = {
    pglite: await indexScans(db, captured),
  };
  let sameRankingOnPostgres: boolean | null = null;
  if (withPg) {
    const server = await startPgTestServer();
    const pgStore = createKbStore({
      driver: "postgres",
      connectionString: server.url,
      poolSize: 1,
      embedding: IDENTITY,
    });
    await ingest({
      paths: [CORPUS],
      baseDir: CORPUS,
      store: pgStore,
      embed: async (b) => b.map((text) => embedText(text)),
    });
    const key = (h: SearchHit) => `${h.source}#${h.headingPath}#${h.text.length}`;
    sameRankingOnPostgres = true;
    for (const question of questions) {
      const a = (await store.searchText(question.q, K)).map(key);
      const b = (await pgStore.searchText(question.q, K)).map(key);
      if (a.join("|") !== b.join("|")) sameRankingOnPostgres = false;
    }
    await server.db.query("ANALYZE");
    plans.postgres = await indexScans(server.db, captured);
    await pgStore.close();
    await server.stop();
  }

  // The fusion settings' defaults are chosen here: every combination over the same two ranked lists.
  const sweep: {
    method: string;
    vectorWeight: number;
    minScore: number;
    maxChunksPerFile: number;
    r1: number;
    r5: number;
    mrr10: number;
  }[] = [];
  if (typeof fuse === "function") {
    const lists = [];
    for (const question of questions) {
      lists.push({
        answers: question.answers,
        text: await store.searchText(question.q, 24),
        vector: await store.searchVector(embedText(question.q), 24),
      });
    }
    for (const method of ["rank", "score"] as const)
      for (const vectorWeight of [0, 0.25, 0.5, 0.75, 1])
        for (const minScore of [0, 0.1, 0.2, 0.3])
          for (const maxChunksPerFile of [0, 2, 3]) {
            let r1 = 0;
            let r5 = 0;
            let mrr = 0;
            for (const l of lists) {
              const ranked = fuse(
                l.vector.filter((h) => h.score >= minScore),
                l.text,
                K,
                { textWeight: 1, vectorWeight, maxChunksPerFile, method },
              ).map((c) => c.source);
              const s = score(ranked, l.answers);
              r1 += s.r1;
              r5 += s.r5;
              mrr += s.mrr;
            }
            const n = lists.length;
            sweep.push({
              method,
              vectorWeight,
              minScore,
              maxChunksPerFile,
              r1: round3(r1 / n),
              r5: round3(r5 / n),
              mrr10: round3(mrr / n),
            });
          }
    sweep.sort((a, b) => b.mrr10 - a.mrr10 || b.r1 - a.r1 || b.r5 - a.r5);
  }

  const report = {
    label,
    date: new Date().toISOString(),
    node: process.version,
    questions: questions.length,
    paraphrased: questions.filter((q) => q.paraphrased).length,
    embeddings: "emulator feature-hashing (tests/emulator/embeddings.ts), 1024 dimensions",
    corpus,
    ingest: ingestReport,
    sameFullTextRankingOnPostgres: sameRankingOnPostgres,
    plansAfterAnalyze: plans,
    fusionDefaults: { ...DEFAULT_FUSION, minSimilarity: DEFAULT_MIN_SIMILARITY },
    results,
    fusionSweep: sweep,
  };
  await store.close();
  await db.close();

  const out = join(ROOT, "bench/results", label === "current" ? "retrieval.json" : `retrieval-${label}.json`);
  await writeFile(out, `${JSON.stringify(report, null, 2)}\n`);
  print(`corpus: ${JSON.stringify(corpus)}`);
  print(`ingest: ${JSON.stringify(ingestReport)}`);
  print(`same full-text ranking on PostgreSQL (pg): ${sameRankingOnPostgres}`);
  print(`scans in the search plans after ANALYZE: ${JSON.stringify(plans)}`);
  print("| system | R@1 | R@5 | MRR@10 | paraphrased MRR@10 | p50 ms | p95 ms |");
  print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
  for (const r of results)
    print(
      `| ${r.system} | ${r.r1} | ${r.r5} | ${r.mrr10} | ${r.paraphrasedMrr10} | ${r.p50Ms} | ${r.p95Ms} |`,
    );
  if (sweep.length > 0) {
    print("fusion sweep (text weight 1), best first:");
    for (const row of sweep.slice(0, 8)) print(JSON.stringify(row));
  }
  print(`written to ${out}`);
}

await main();
