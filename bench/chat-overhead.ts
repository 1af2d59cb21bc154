// How much chutes-chat adds to Chutes' time to first token, and what the server costs in memory.
// Baseline, in the same run: the same request sent straight to the Chutes emulator. Needs a
// production build (`npm run build`). Run: npm run bench:chat
import { spawn } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { getConfig, resetConfigForTests } from "../src/lib/config.ts";
import { runIngest } from "../src/lib/rag/ingest.ts";
import { emulatorAppEnv } from "../tests/emulator/appEnv.ts";
import { ADMIN_KEY } from "../tests/emulator/fixtures.ts";
import { startEmulator } from "../tests/emulator/server.ts";

const RUNS = Number(process.env.BENCH_RUNS ?? 40);
const APP_PORT = 3700;
const MODEL = "deepseek-ai/DeepSeek-V3.2-TEE";

const emulator = await startEmulator({ port: 0, tokenDelayMs: 0 });
const nextBin = fileURLToPath(new URL("../node_modules/next/dist/bin/next", import.meta.url));
const chutesEnv = emulatorAppEnv(emulator.url);

function startApp(dataDir: string) {
  return spawn(process.execPath, [nextBin, "start", "-p", String(APP_PORT), "-H", "127.0.0.1"], {
    // One client sends every request: the per-address chat limit (30 a minute) would refuse most.
    env: { ...process.env, ...chutesEnv, DATA_DIR: dataDir, RATE_LIMIT_CHATS_PER_MIN: "10000" },
    stdio: "ignore",
  });
}

// The sample corpus, embedded through the emulator, for the "with knowledge base" runs.
rmSync("bench/out/kb-empty", { recursive: true, force: true });
rmSync("bench/out/kb-docs", { recursive: true, force: true });
Object.assign(process.env, chutesEnv, { DATA_DIR: "bench/out/kb-docs", CHUTES_API_KEY: ADMIN_KEY });
resetConfigForTests();
await runIngest({ paths: ["docs"] }, getConfig());

async function waitForApp(): Promise<void> {
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${APP_PORT}/`)).ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("the app did not start (did you run npm run build?)");
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

/** Milliseconds to the first byte of answer text, and to the end of the stream. */
async function timed(
  url: string,
  init: RequestInit,
  firstText: RegExp,
): Promise<{ first: number; total: number }> {
  const started = performance.now();
  const response = await fetch(url, init);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let first = Number.NaN;
  let seen = "";
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (Number.isNaN(first)) {
      seen += decoder.decode(value, { stream: true });
      if (firstText.test(seen)) first = performance.now() - started;
    }
  }
  return { first, total: performance.now() - started };
}

const question = (i: number) => `Benchmark question number ${i}?`;
const direct = (i: number) =>
  timed(
    `${emulator.url}/llm/v1/chat/completions`,
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
const viaApp = (i: number) =>
  timed(
    `http://127.0.0.1:${APP_PORT}/api/chat`,
    {
      method: "POST",
      headers: { "content-type": "application/json", "x-chutes-api-key": ADMIN_KEY },
      body: JSON.stringify({
        model: MODEL,
        messages: [{ id: `u${i}`, role: "user", parts: [{ type: "text", text: question(i) }] }],
      }),
    },
    /"type":"text-delta"/,
  );

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
};

interface Measured {
  name: string;
  runs: { first: number; total: number }[];
  idleRss: number;
  loadedRss: number;
}

/** One app configuration, interleaved with the baseline so both see the same machine. */
async function measure(
  name: string,
  dataDir: string,
  baseline: { first: number; total: number }[],
): Promise<Measured> {
  const app = startApp(dataDir);
  try {
    await waitForApp();
    const idleRss = rssMb(app.pid!);
    for (let i = 0; i < 5; i++) await viaApp(i); // warm-up: first connections, store opening
    const runs: { first: number; total: number }[] = [];
    for (let i = 0; i < RUNS; i++) {
      baseline.push(await direct(i));
      runs.push(await viaApp(i));
    }
    return { name, runs, idleRss, loadedRss: rssMb(app.pid!) };
  } finally {
    app.kill("SIGTERM");
    await new Promise((r) => app.once("exit", r));
  }
}

const p50 = (runs: { first: number }[]) =>
  percentile(
    runs.map((r) => r.first),
    50,
  );

try {
  const baseline: { first: number; total: number }[] = [];
  const results = [
    await measure("through /api/chat, empty knowledge base", "bench/out/kb-empty", baseline),
    await measure(
      "through /api/chat, docs/ ingested (query embedding + hybrid search)",
      "bench/out/kb-docs",
      baseline,
    ),
  ];
  const row = (name: string, runs: { first: number; total: number }[]) =>
    `| ${name} | ${p50(runs).toFixed(1)} | ${percentile(
      runs.map((r) => r.first),
      95,
    ).toFixed(1)} | ${percentile(
      runs.map((r) => r.total),
      50,
    ).toFixed(1)} |`;
  const lines = [
    `Chat overhead, ${RUNS} runs per configuration interleaved with the baseline, emulator with no token delay (Node ${process.version})`,
    "",
    "| path | first token p50 (ms) | first token p95 (ms) | whole answer p50 (ms) |",
    "| --- | ---: | ---: | ---: |",
    row("straight to the emulator (baseline)", baseline),
    ...results.map((r) => row(r.name, r.runs)),
    "",
    ...results.map(
      (r) =>
        `${r.name}: first token ${(p50(r.runs) / p50(baseline)).toFixed(2)}x the baseline (+${(p50(r.runs) - p50(baseline)).toFixed(1)} ms p50); server RSS ${r.idleRss.toFixed(0)} MB idle, ${r.loadedRss.toFixed(0)} MB after (${(r.loadedRss / r.idleRss).toFixed(2)}x)`,
    ),
    "",
  ];
  process.stdout.write(lines.join("\n"));
} finally {
  await emulator.close();
}
