// Knowledge-base benchmark: ingest throughput and hybrid-search latency for both stores.
//
//   npx node --conditions=react-server bench/rag-bench.ts [--copies 12] [--rounds 25]
//
// Corpus: docs/ repeated `copies` times (each copy made unique) for a few hundred chunks. Embeddings come
// from the Chutes emulator's embedding function called in process (no HTTP; 1024 dimensions, made dense
// as a real model's are, see denseEmbedText) and the
// time spent in it is subtracted, so the numbers measure chunking + database work only. Baselines measured in the same run:
// the chunker alone (for ingest) and a full-text-only query (for search); results are given as ratios to
// them so they compare across machines.

import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { PGlite } from "@electric-sql/pglite";
import { vector } from "@electric-sql/pglite-pgvector";
import { parseDocument } from "../src/lib/rag/chunker.ts";
import { ingest } from "../src/lib/rag/ingest.ts";
import { createRetriever } from "../src/lib/rag/retriever.ts";
import { createKbStore, type KbStore } from "../src/lib/rag/store.ts";
import { denseEmbedText } from "../tests/emulator/embeddings.ts";
import { startPgTestServer } from "../tests/rag/pg-server.ts";

const DIM = 1024;
const IDENTITY = { model: "bench/hash-embed", dimensions: DIM };
const QUERIES = [
  "What is the default embedding model and its dimensions?",
  "Which Node.js version does chutes-chat need?",
  "What prefix do Chutes API keys start with?",
  "Which OAuth scope lets the app run models on my behalf?",
  "How do I remove documents whose files no longer exist?",
  "What does 402 Payment Required mean?",
  "How many chunks are given to the model for each question?",
  "Does the knowledge base store my questions?",
];

function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  const value = index === -1 ? undefined : Number(process.argv[index + 1]);
  return value !== undefined && Number.isFinite(value) && value > 0 ? value : fallback;
}

function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

async function timeEach(rounds: number, fn: (query: string) => Promise<unknown>): Promise<number[]> {
  const samples: number[] = [];
  for (let r = 0; r < rounds; r++) {
    for (const query of QUERIES) {
      const start = performance.now();
      await fn(query);
      samples.push(performance.now() - start);
    }
  }
  return samples;
}

interface Row {
  store: string;
  chunks: number;
  ingestChunksPerSec: number;
  rerunMs: number;
  hybridP50: number;
  hybridP95: number;
  textP50: number;
  textP95: number;
  vectorP50: number;
}

async function benchStore(name: string, store: KbStore, corpus: string, rounds: number): Promise<Row> {
  await store.reset();
  let embedMs = 0;
  const embed = async (texts: string[]) => {
    const start = performance.now();
    const vectors = texts.map((t) => denseEmbedText(t, DIM));
    embedMs += performance.now() - start;
    return vectors;
  };

  const start = performance.now();
  const summary = await ingest({ paths: ["docs"], store, embed, baseDir: corpus });
  const ingestMs = performance.now() - start - embedMs;

  const rerunStart = performance.now();
  const rerun = await ingest({ paths: ["docs"], store, embed, baseDir: corpus });
  const rerunMs = performance.now() - rerunStart;
  if (rerun.embeddingCalls !== 0) throw new Error("an unchanged re-run made embedding calls");

  const retrieve = createRetriever({
    store,
    embed: async (texts) => texts.map((t) => denseEmbedText(t, DIM)),
    topK: 6,
    minScore: 0,
  });
  await timeEach(2, (query) => retrieve({ query, credential: "bench" })); // warm-up
  const hybrid = await timeEach(rounds, (query) => retrieve({ query, credential: "bench" }));
  const text = await timeEach(rounds, (query) => store.searchText(query, 24));
  const vectorOnly = await timeEach(rounds, (query) => store.searchVector(denseEmbedText(query, DIM), 24));

  return {
    store: name,
    chunks: summary.chunks.written,
    ingestChunksPerSec: summary.chunks.written / (ingestMs / 1000),
    rerunMs,
    hybridP50: percentile(hybrid, 50),
    hybridP95: percentile(hybrid, 95),
    textP50: percentile(text, 50),
    textP95: percentile(text, 95),
    vectorP50: percentile(vectorOnly, 50),
  };
}

async function main() {
  const copies = option("copies", 12);
  const rounds = option("rounds", 25);
  const docs = fileURLToPath(new URL("../docs/", import.meta.url));
  const corpus = await mkdtemp(join(tmpdir(), "rag-bench-"));
  const files: { name: string; text: string }[] = [];
  for (const name of (await readdir(docs)).filter((n) => n.endsWith(".md")).sort()) {
    const text = await readFile(join(docs, name), "utf8");
    for (let i = 0; i < copies; i++) {
      files.push({ name: `copy-${i}-${name}`, text: `${text}\nCopy ${i} of ${name}.\n` });
    }
  }
  await mkdir(join(corpus, "docs"));
  for (const file of files) await writeFile(join(corpus, "docs", file.name), file.text);

  // Baseline 1: the chunker alone (parse + chunk + count tokens), best of 3.
  let chunkerMs = Number.POSITIVE_INFINITY;
  let chunkCount = 0;
  for (let i = 0; i < 3; i++) {
    const start = performance.now();
    chunkCount = files.reduce(
      (n, f) => n + parseDocument({ fileName: f.name, text: f.text }).chunks.length,
      0,
    );
    chunkerMs = Math.min(chunkerMs, performance.now() - start);
  }
  const chunkerPerSec = chunkCount / (chunkerMs / 1000);

  const rows: Row[] = [];
  const db = await PGlite.create({ extensions: { vector } });
  const embedded = createKbStore({ driver: "pglite", db, embedding: IDENTITY });
  rows.push(await benchStore("PGlite (embedded)", embedded, corpus, rounds));
  await embedded.close();
  await db.close();

  const server = await startPgTestServer();
  const remote = createKbStore({
    driver: "postgres",
    connectionString: server.url,
    poolSize: 1,
    embedding: IDENTITY,
  });
  rows.push(await benchStore("pg → pglite-socket", remote, corpus, rounds));
  await remote.close();
  await server.stop();
  await rm(corpus, { recursive: true, force: true });

  const f = (n: number, digits = 1) => n.toFixed(digits);
  const out = [
    `Corpus: docs/ × ${copies} = ${files.length} files, ${chunkCount} chunks; ${DIM}-dimension vectors (HNSW), ` +
      `${rounds * QUERIES.length} queries per measurement; Node ${process.version}.`,
    `Baseline: chunker alone ${f(chunkerPerSec, 0)} chunks/s.`,
    "",
    "| store | ingest chunks/s (no embedding time) | ingest ÷ chunker | unchanged re-run | hybrid p50 / p95 | full-text p50 / p95 | vector p50 | hybrid ÷ full-text (p50) |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ...rows.map(
      (r) =>
        `| ${r.store} | ${f(r.ingestChunksPerSec, 0)} | ${f(r.ingestChunksPerSec / chunkerPerSec, 3)} | ${f(r.rerunMs, 0)} ms | ` +
        `${f(r.hybridP50, 2)} / ${f(r.hybridP95, 2)} ms | ${f(r.textP50, 2)} / ${f(r.textP95, 2)} ms | ${f(r.vectorP50, 2)} ms | ` +
        `${f(r.hybridP50 / r.textP50, 2)}× |`,
    ),
    "",
  ];
  process.stdout.write(out.join("\n"));
}

await main();
