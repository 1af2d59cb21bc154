// How much chutes-chat adds to Chutes' time to first token. Baseline, in the same run: the same
// request sent straight to the Chutes emulator, interleaved with the app's (direct, app, direct,
// app...), so both see the same machine. Two knowledge bases (empty, docs/ ingested) × two model
// latencies (the emulator's first token at 0 ms and at 200 ms). With the sample knowledge base the
// app embeds the question first: that call is timed on its own in the same loop (straight to the
// emulator's embeddings host) and reported both included and subtracted; a third configuration holds
// the embedding back 100 ms, as a call to Chutes takes, so the full-text search hides behind it.
// The emulator's vectors are dense (`denseEmbeddings`), as a real model's, for the ingest and each question.
// With BENCH_PG_URL, docs/ on a PostgreSQL server as well (DATABASE_URL), first token at 0 ms.
// Each server's first chat is timed twice: right after its first page, and after a restart on the
// same data once /api/ready answers 200 (what a load balancer waits for).
// Needs a production build (`npm run build`). Run: npm run bench:chat. Writes bench/results/chat-overhead.json.
import { mkdirSync, writeFileSync } from "node:fs";
import { getConfig, resetConfigForTests } from "../src/lib/config.ts";
import { runIngest } from "../src/lib/rag/ingest.ts";
import { createKbStore, storeOptionsFromConfig } from "../src/lib/rag/store.ts";
import { emulatorAppEnv } from "../tests/emulator/appEnv.ts";
import { EmulatorClient } from "../tests/emulator/client.ts";
import { ADMIN_KEY } from "../tests/emulator/fixtures.ts";
import { startEmptyNext } from "./emptyNext.ts";
import { settled, startProductionApp, uiChatBody } from "./productionApp.ts";
import { recreateDatabase } from "./serverDatabase.ts";

const RUNS = Number(process.env.BENCH_RUNS ?? 200);
const WARM_UP = 5;
const DELAYS_MS = [0, 200];
/**
 * With the sample knowledge base, one more configuration: the query embedding answered after 100 ms, as
 * a network call to Chutes takes (the emulator's own answers in ~2 ms). The full-text search runs while
 * the embedding is on its way, so only then does "without the embedding call" show what a user waits for.
 */
const SLOW_EMBEDDING_MS = 100;
/** Its pairs take 100 ms more each: half as many keep `npm run bench` under 10 minutes. */
const SLOW_EMBEDDING_RUNS = Math.ceil(RUNS / 2);
const APP_PORT = Number(process.env.BENCH_PORT ?? 3700);
/** The floors (bench/emptyNext.ts): a Next route piping the upstream, and one with the AI SDK alone. */
const FLOOR_PORT = APP_PORT + 1;
const MODEL = "deepseek-ai/DeepSeek-V3.2-TEE";
const EMBEDDING_MODEL = "BAAI/bge-m3";

/**
 * BENCH_PG_URL (a superuser on a PostgreSQL server with pgvector): docs/ is also ingested into a
 * database of its own there and measured with DATABASE_URL, first token at 0 ms only. The searches
 * then run in the server, off the app's event loop, where PGlite runs them on it.
 */
const SERVER_URL = process.env.BENCH_PG_URL;
const SERVER_DATABASE = "bench_chat_docs";

const question = (i: number) => `Benchmark question number ${i}: how do I ingest documents?`;
const uiChat = (i: number) => uiChatBody(MODEL, `u${i}`, question(i));

/** Milliseconds to the first answer text; the request is then aborted (a Stop), which saves the rest. */
async function firstToken(url: string, init: RequestInit, marker: RegExp): Promise<number> {
  const abort = new AbortController();
  const started = performance.now();
  const response = await fetch(url, { ...init, signal: abort.signal });
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let seen = "";
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) throw new Error(`${url}: the stream ended before any answer text`);
      seen += decoder.decode(value, { stream: true });
      if (marker.test(seen)) return performance.now() - started;
    }
  } finally {
    abort.abort();
    await reader.cancel().catch(() => undefined);
  }
}

const direct = (emulatorUrl: string, i: number) =>
  firstToken(
    `${emulatorUrl}/llm/v1/chat/completions`,
    {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${ADMIN_KEY}` },
      body: JSON.stringify({
        model: MODEL,
        stream: true,
        messages: [{ role: "user", content: question(i) }],
      }),
    },
    /"content":"[^"]/,
  );

const viaApp = (appUrl: string, i: number) =>
  firstToken(
    `${appUrl}/api/chat`,
    {
      method: "POST",
      headers: { "content-type": "application/json", "x-chutes-api-key": ADMIN_KEY },
      body: JSON.stringify(uiChat(i)),
    },
    /"type":"text-delta"/,
  );

/** The same question through a floor route of the empty Next app: a pipe, or the AI SDK alone. */
const viaFloor = (floorUrl: string, route: "pipe" | "sdk", i: number) =>
  firstToken(
    `${floorUrl}/api/${route}`,
    {
      method: "POST",
      headers: { "content-type": "application/json", "x-chutes-api-key": ADMIN_KEY },
      body: JSON.stringify(
        route === "pipe"
          ? { model: MODEL, stream: true, messages: [{ role: "user", content: question(i) }] }
          : uiChat(i),
      ),
    },
    route === "pipe" ? /"content":"[^"]/ : /"type":"text-delta"/,
  );

/** The query embedding the app makes before it calls the model, sent straight to the emulator. */
async function embedding(emulatorUrl: string, i: number): Promise<number> {
  const started = performance.now();
  const response = await fetch(`${emulatorUrl}/embed/v1/embeddings`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${ADMIN_KEY}` },
    body: JSON.stringify({ model: EMBEDDING_MODEL, input: [question(i)] }),
  });
  if (!response.ok) throw new Error(`embeddings: HTTP ${response.status}`);
  await response.arrayBuffer();
  return performance.now() - started;
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
};
const round = (n: number) => Math.round(n * 100) / 100;

type KnowledgeBase = "empty" | "docs" | "docs on PostgreSQL";

interface Configuration {
  knowledgeBase: KnowledgeBase;
  firstTokenDelayMs: number;
  /** The emulator's embeddings held back this long (else answered at once). */
  embeddingDelayMs?: number;
  runs: number;
  direct: { p50: number; p95: number };
  app: { p50: number; p95: number };
  embedding?: { p50: number };
  /** p50 of the per-pair differences (app − direct), and of app − direct − embedding. */
  addedP50: number;
  addedP95: number;
  addedExclEmbeddingP50?: number;
  /** p50(app) − p50(direct). */
  addedP50OfP50s: number;
  /**
   * Empty knowledge base, first token at 0 ms: the floors in the same loop, each as added p50 and
   * p95 over direct (paired); `appOverSdkP50` is what the app adds beyond Next + the AI SDK.
   */
  floors?: { nextPipe: Added; nextSdk: Added; appOverSdkP50: number };
}

interface Added {
  addedP50: number;
  addedP95: number;
}

interface Server {
  knowledgeBase: KnowledgeBase;
  startMs: number;
  /** The first /api/chat after the server answered its first page, and the second. */
  firstChatMs: number;
  secondChatMs: number;
  /** A restart on the same data: from spawn to /api/ready answering 200, and the first chat after it. */
  restart: { readyMs: number; firstChatMs: number };
  configurations: Configuration[];
}

/**
 * The knowledge base, made before the server starts: the app then opens an existing one, as after a
 * restart. (A first start on an empty data folder also creates the database: seconds more, once.)
 */
async function prepareKnowledgeBase(
  kind: KnowledgeBase,
  emulatorUrl: string,
  dataDir: string,
  databaseUrl: string | undefined,
): Promise<void> {
  Object.assign(process.env, emulatorAppEnv(emulatorUrl), { DATA_DIR: dataDir, CHUTES_API_KEY: ADMIN_KEY });
  if (databaseUrl) process.env.DATABASE_URL = databaseUrl;
  else delete process.env.DATABASE_URL;
  resetConfigForTests();
  // A real model's vectors, a number in every dimension: reading one is part of each docs answer.
  await new EmulatorClient(emulatorUrl).configure({ denseEmbeddings: true });
  if (kind !== "empty") {
    await runIngest({ paths: ["docs"] }, getConfig());
    return;
  }
  const store = createKbStore(storeOptionsFromConfig(getConfig()));
  try {
    await store.migrate();
  } finally {
    await store.close();
  }
}

async function measureServer(knowledgeBase: KnowledgeBase): Promise<Server> {
  const dataDir = `bench/out/chat-overhead-${knowledgeBase.replaceAll(" ", "-")}`;
  const databaseUrl =
    knowledgeBase === "docs on PostgreSQL" && SERVER_URL
      ? await recreateDatabase(SERVER_URL, SERVER_DATABASE)
      : undefined;
  const app = await startProductionApp(
    APP_PORT,
    dataDir,
    // One client sends every request: the per-address chat limit (30 a minute) would refuse most.
    { RATE_LIMIT_CHATS_PER_MIN: "10000", ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}) },
    {
      emulatorProcess: true,
      settle: false,
      prepare: (url) => prepareKnowledgeBase(knowledgeBase, url, dataDir, databaseUrl),
    },
  );
  const control = new EmulatorClient(app.emulator.url);
  let measured: Omit<Server, "restart">;
  const floor =
    knowledgeBase === "empty" ? await startEmptyNext(FLOOR_PORT, `${app.emulator.url}/llm/v1`) : null;
  try {
    // Right after start, as a first user would meet it.
    const firstChatMs = await viaApp(app.url, -1);
    const secondChatMs = await viaApp(app.url, -2);
    // The pairs measure the warm server, not the warm-up still opening the store beside them.
    await settled(app.pid);
    const configurations: Configuration[] = [];
    const plan = [
      ...(knowledgeBase === "docs on PostgreSQL" ? DELAYS_MS.slice(0, 1) : DELAYS_MS).map((delay) => ({
        delay,
        embeddingDelayMs: 0,
      })),
      ...(knowledgeBase === "docs" ? [{ delay: 0, embeddingDelayMs: SLOW_EMBEDDING_MS }] : []),
    ];
    for (const { delay, embeddingDelayMs } of plan) {
      await control.configure({ firstTokenDelayMs: delay });
      if (embeddingDelayMs > 0) {
        await control.inject({
          failure: "slow_first_token",
          match: { path: "embeddings" },
          delayMs: embeddingDelayMs,
          times: 1_000_000,
        });
      }
      // The server is warm after the first latency's pairs: one pair is enough for the next.
      // The floors run beside the first configuration only: what they show does not depend on the
      // model's latency, and the 200 ms one would cost the suite 80 s more.
      const floors = floor && delay === DELAYS_MS[0] ? floor : null;
      for (let i = 0; i < (delay === DELAYS_MS[0] ? WARM_UP : 1); i++) {
        await direct(app.emulator.url, i);
        if (floors) await viaFloor(floors.url, "pipe", i);
        if (floors) await viaFloor(floors.url, "sdk", i);
        await viaApp(app.url, i);
      }
      const d: number[] = [];
      const a: number[] = [];
      const e: number[] = [];
      const fp: number[] = [];
      const fs: number[] = [];
      const pairs = embeddingDelayMs > 0 ? SLOW_EMBEDDING_RUNS : RUNS;
      for (let i = 0; i < pairs; i++) {
        d.push(await direct(app.emulator.url, i));
        if (knowledgeBase !== "empty") e.push(await embedding(app.emulator.url, i));
        if (floors) fp.push(await viaFloor(floors.url, "pipe", i));
        if (floors) fs.push(await viaFloor(floors.url, "sdk", i));
        a.push(await viaApp(app.url, i));
      }
      const addedOf = (times: number[]): Added => {
        const over = times.map((t, i) => t - (d[i] ?? 0));
        return { addedP50: round(percentile(over, 50)), addedP95: round(percentile(over, 95)) };
      };
      const added = a.map((t, i) => t - (d[i] ?? 0));
      const addedExcl = added.map((t, i) => t - (e[i] ?? 0));
      configurations.push({
        knowledgeBase,
        firstTokenDelayMs: delay,
        ...(embeddingDelayMs > 0 ? { embeddingDelayMs } : {}),
        runs: pairs,
        direct: { p50: round(percentile(d, 50)), p95: round(percentile(d, 95)) },
        app: { p50: round(percentile(a, 50)), p95: round(percentile(a, 95)) },
        ...(e.length > 0 ? { embedding: { p50: round(percentile(e, 50)) } } : {}),
        addedP50: round(percentile(added, 50)),
        addedP95: round(percentile(added, 95)),
        ...(e.length > 0 ? { addedExclEmbeddingP50: round(percentile(addedExcl, 50)) } : {}),
        addedP50OfP50s: round(percentile(a, 50) - percentile(d, 50)),
        ...(floors
          ? {
              floors: {
                nextPipe: addedOf(fp),
                nextSdk: addedOf(fs),
                appOverSdkP50: round(
                  percentile(
                    a.map((t, i) => t - (fs[i] ?? 0)),
                    50,
                  ),
                ),
              },
            }
          : {}),
      });
      const c = configurations.at(-1) as Configuration;
      console.info(
        `${knowledgeBase} kb, first token at ${delay} ms${embeddingDelayMs ? `, embedding at ${embeddingDelayMs} ms` : ""}: direct ${c.direct.p50} ms, app ${c.app.p50} ms, added ${c.addedP50} ms p50${c.addedExclEmbeddingP50 === undefined ? "" : ` (${c.addedExclEmbeddingP50} ms without the embedding call, ${c.embedding?.p50} ms)`}`,
      );
    }
    measured = {
      knowledgeBase,
      startMs: round(app.startMs),
      firstChatMs: round(firstChatMs),
      secondChatMs: round(secondChatMs),
      configurations,
    };
  } finally {
    floor?.stop();
    await app.stop();
  }
  return { ...measured, restart: await restartUntilReady(dataDir, databaseUrl) };
}

/**
 * The server started again on the knowledge base it had, as a load balancer meets it: /api/ready
 * polled every 20 ms until it answers 200 (503 "starting" until the warm-up is done), then one chat
 * (after the emulator's own first answers).
 */
async function restartUntilReady(
  dataDir: string,
  databaseUrl: string | undefined,
): Promise<Server["restart"]> {
  const app = await startProductionApp(
    APP_PORT,
    dataDir,
    { RATE_LIMIT_CHATS_PER_MIN: "10000", ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}) },
    { emulatorProcess: true, settle: false, keepData: true },
  );
  const firstPage = performance.now();
  try {
    for (let i = 0; i < 1500; i++) {
      const response = await fetch(`${app.url}/api/ready`).catch(() => null);
      await response?.body?.cancel();
      if (response?.status === 200) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const readyMs = app.startMs + performance.now() - firstPage;
    // The emulator is new too: its own first answers are slow where Chutes' are not. Warmed with
    // the same calls sent straight to it, so the first chat times the app's first run alone.
    for (let i = 0; i < 5; i++) {
      await direct(app.emulator.url, -10 - i);
      await embedding(app.emulator.url, -10 - i);
    }
    return { readyMs: round(readyMs), firstChatMs: round(await viaApp(app.url, -1)) };
  } finally {
    await app.stop();
  }
}

const BUDGET_MS: Record<KnowledgeBase, number> = { empty: 5, docs: 12, "docs on PostgreSQL": 12 };
const started = performance.now();
/** BENCH_KNOWLEDGE_BASES=docs,docs-on-PostgreSQL: only those (an A/B of one step); default all. */
const only = process.env.BENCH_KNOWLEDGE_BASES?.split(",").map((name) => name.replaceAll("-", " "));
const servers: Server[] = [];
const knowledgeBases: KnowledgeBase[] = [
  "empty",
  "docs",
  ...(SERVER_URL ? ["docs on PostgreSQL" as const] : []),
];
for (const knowledgeBase of knowledgeBases) {
  if (!only || only.includes(knowledgeBase)) servers.push(await measureServer(knowledgeBase));
}
const rows = servers.flatMap((s) => s.configurations);
const lines = [
  `Chat overhead, ${RUNS} interleaved pairs per configuration, first token aborted after (Node ${process.version})`,
  "",
  "| knowledge base | emulator first token | direct p50 | app p50 | added p50 (paired) | added p95 | embedding p50 | added p50 without embedding | budget |",
  "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
  ...rows.map(
    (c) =>
      `| ${c.knowledgeBase}${c.embeddingDelayMs ? `, embedding at ${c.embeddingDelayMs} ms` : ""} | ${c.firstTokenDelayMs} ms | ${c.direct.p50} | ${c.app.p50} | ${c.addedP50} | ${c.addedP95} | ${c.embedding?.p50 ?? "–"} | ${c.addedExclEmbeddingP50 ?? c.addedP50} | ≤ ${BUDGET_MS[c.knowledgeBase]} |`,
  ),
  "",
  ...rows.flatMap((c) =>
    c.floors
      ? [
          `Floors in the same loop (empty kb, first token at ${c.firstTokenDelayMs} ms), added over direct p50 / p95: a Next route piping the stream ${c.floors.nextPipe.addedP50} / ${c.floors.nextPipe.addedP95} ms; a Next route with the AI SDK alone ${c.floors.nextSdk.addedP50} / ${c.floors.nextSdk.addedP95} ms; the app beyond that ${c.floors.appOverSdkP50} ms`,
          "",
        ]
      : [],
  ),
  ...servers.map(
    (s) =>
      `${s.knowledgeBase} kb server: started in ${s.startMs.toFixed(0)} ms; first chat ${s.firstChatMs.toFixed(1)} ms, second ${s.secondChatMs.toFixed(1)} ms (first token at 0 ms); restarted: ready (200) at ${s.restart.readyMs.toFixed(0)} ms, first chat after it ${s.restart.firstChatMs.toFixed(1)} ms`,
  ),
  `whole bench: ${((performance.now() - started) / 1000).toFixed(0)} s`,
  "",
];
process.stdout.write(lines.join("\n"));
mkdirSync("bench/results", { recursive: true });
writeFileSync(
  "bench/results/chat-overhead.json",
  `${JSON.stringify({ node: process.version, measuredAt: new Date().toISOString(), runs: RUNS, budgetMs: BUDGET_MS, servers }, null, 2)}\n`,
);
