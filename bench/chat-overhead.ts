// How much chutes-chat adds to Chutes' time to first token, and what the server costs in memory.
// Baseline, in the same run: the same request sent straight to the Chutes emulator. Needs a
// production build (`npm run build`). Run: npm run bench:chat
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { ADMIN_KEY } from "../tests/emulator/fixtures.ts";
import { startEmulator } from "../tests/emulator/server.ts";

const RUNS = Number(process.env.BENCH_RUNS ?? 40);
const APP_PORT = 3700;
const MODEL = "deepseek-ai/DeepSeek-V3.2-TEE";

const emulator = await startEmulator({ port: 0, tokenDelayMs: 0 });
const nextBin = fileURLToPath(new URL("../node_modules/next/dist/bin/next", import.meta.url));
const app = spawn(process.execPath, [nextBin, "start", "-p", String(APP_PORT), "-H", "127.0.0.1"], {
  env: {
    ...process.env,
    CHUTES_API_URL: emulator.url,
    CHUTES_LLM_URL: `${emulator.url}/llm/v1`,
    CHUTES_EMBEDDINGS_URL: `${emulator.url}/embed/v1`,
    DATA_DIR: "bench/out/empty-kb",
    NEXT_TELEMETRY_DISABLED: "1",
  },
  stdio: "ignore",
});

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

try {
  await waitForApp();
  const idleRss = rssMb(app.pid!);
  for (let i = 0; i < 5; i++) await viaApp(i); // warm-up: route compilation, first connections
  const baseline: { first: number; total: number }[] = [];
  const app_: { first: number; total: number }[] = [];
  for (let i = 0; i < RUNS; i++) {
    // Interleaved so both see the same machine conditions.
    baseline.push(await direct(i));
    app_.push(await viaApp(i));
  }
  const loadedRss = rssMb(app.pid!);
  const row = (name: string, runs: { first: number; total: number }[]) => {
    const first = runs.map((r) => r.first);
    const total = runs.map((r) => r.total);
    return `| ${name} | ${percentile(first, 50).toFixed(1)} | ${percentile(first, 95).toFixed(1)} | ${percentile(total, 50).toFixed(1)} |`;
  };
  const ratio =
    percentile(
      app_.map((r) => r.first),
      50,
    ) /
    percentile(
      baseline.map((r) => r.first),
      50,
    );
  process.stdout.write(
    [
      `Chat overhead, ${RUNS} interleaved runs each, emulator with no token delay (Node ${process.version})`,
      "",
      "| path | first token p50 (ms) | first token p95 (ms) | whole answer p50 (ms) |",
      "| --- | ---: | ---: | ---: |",
      row("straight to the emulator (baseline)", baseline),
      row("through /api/chat", app_),
      "",
      `Time to first token through the app / baseline: ${ratio.toFixed(2)}x (added p50: ${(
        percentile(
          app_.map((r) => r.first),
          50,
        ) -
          percentile(
            baseline.map((r) => r.first),
            50,
          )
      ).toFixed(1)} ms)`,
      `App server RSS: ${idleRss.toFixed(0)} MB idle, ${loadedRss.toFixed(0)} MB after the runs (${(loadedRss / idleRss).toFixed(2)}x)`,
      "",
    ].join("\n"),
  );
} finally {
  app.kill("SIGTERM");
  await emulator.close();
}
