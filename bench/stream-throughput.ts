// Streaming throughput through /api/chat against the same streams straight from the Chutes
// emulator (no token delay, so the upstream is as fast as it gets), at 1, 16 and 64 concurrent
// streams, rounds interleaved (direct, app, app with identity encoding, ...). Also the server's
// CPU per 1,000 chunks and its RSS. Needs a production build. Run: npm run bench:stream
import { readFileSync, writeFileSync } from "node:fs";
import { ADMIN_KEY } from "../tests/emulator/fixtures.ts";
import { processTree, startProductionApp } from "./productionApp.ts";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const LEVELS = (process.env.BENCH_LEVELS ?? "1,16,64").split(",").map(Number);
const MODEL = "deepseek-ai/DeepSeek-V3.2-TEE";
const QUESTION = "Please give me a long answer about streaming";

// One client sends every stream here: the per-address chat limit would refuse most of them.
const app = await startProductionApp(3710, "bench/out/stream", { RATE_LIMIT_CHATS_PER_MIN: "10000" });

const TICK_MS = 10; // USER_HZ is 100 on Linux
function cpuMs(pids: number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {}
  }
  return ticks * TICK_MS;
}
function rssMb(pids: number[]): number {
  let kb = 0;
  for (const pid of pids) {
    try {
      kb += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
    } catch {}
  }
  return Math.round(kb / 1024);
}

/** Reads a stream to its end and counts its SSE events. */
async function events(response: Response): Promise<number> {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let count = 0;
  let tail = "";
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    const text = tail + decoder.decode(value, { stream: true });
    const parts = text.split("\n\n");
    tail = parts.pop() ?? "";
    count += parts.length;
  }
  return count;
}

type Side = "direct" | "app" | "app, identity";
const request = (side: Side, i: number) =>
  side === "direct"
    ? fetch(`${app.emulator.url}/llm/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${ADMIN_KEY}` },
        body: JSON.stringify({
          model: MODEL,
          stream: true,
          messages: [{ role: "user", content: `${QUESTION} ${i}` }],
        }),
      })
    : fetch(`${app.url}/api/chat`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          origin: app.url,
          "x-chutes-api-key": ADMIN_KEY,
          // What a browser sends; "identity" shows what compression would cost.
          "accept-encoding": side === "app" ? "gzip, deflate, br" : "identity",
        },
        body: JSON.stringify({
          model: MODEL,
          messages: [{ id: `u${i}`, role: "user", parts: [{ type: "text", text: `${QUESTION} ${i}` }] }],
        }),
      });

async function round(side: Side, concurrency: number) {
  const tree = processTree(app.pid);
  const cpuBefore = cpuMs(tree);
  const started = performance.now();
  const counts = await Promise.all(
    Array.from({ length: concurrency }, async (_, i) => {
      const response = await request(side, i);
      if (!response.ok) throw new Error(`${side}: HTTP ${response.status}`);
      return events(response);
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const chunks = counts.reduce((a, b) => a + b, 0);
  const cpu = cpuMs(processTree(app.pid)) - cpuBefore;
  return {
    chunksPerSecond: chunks / seconds,
    perStream: chunks / seconds / concurrency,
    chunks,
    serverCpuMsPer1000: side === "direct" ? 0 : (cpu / chunks) * 1000,
  };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
const rows: Array<Record<string, number | string>> = [];
try {
  // Warm up both paths (route compilation, the first store open) before measuring.
  await round("app", 4);
  await round("direct", 4);
  for (const concurrency of LEVELS) {
    const seen: Record<Side, Array<Awaited<ReturnType<typeof round>>>> = {
      direct: [],
      app: [],
      "app, identity": [],
    };
    for (let r = 0; r < ROUNDS; r++)
      for (const side of ["direct", "app", "app, identity"] as Side[])
        seen[side].push(await round(side, concurrency));
    const direct = median(seen.direct.map((s) => s.chunksPerSecond));
    for (const side of ["direct", "app", "app, identity"] as Side[]) {
      const rates = seen[side].map((s) => s.chunksPerSecond);
      rows.push({
        concurrency,
        side,
        chunksPerSecond: Math.round(median(rates)),
        min: Math.round(Math.min(...rates)),
        max: Math.round(Math.max(...rates)),
        perStream: Math.round(median(seen[side].map((s) => s.perStream))),
        ratioToDirect: Number((median(rates) / direct).toFixed(3)),
        serverCpuMsPer1000Chunks: Number(median(seen[side].map((s) => s.serverCpuMsPer1000)).toFixed(1)),
        serverRssMb: rssMb(processTree(app.pid)),
      });
    }
  }
} finally {
  await app.stop();
}
for (const row of rows)
  console.info(
    Object.entries(row)
      .map(([k, v]) => `${k}=${v}`)
      .join("  "),
  );
writeFileSync(
  "bench/results/stream-throughput.json",
  `${JSON.stringify({ date: new Date().toISOString(), node: process.version, rounds: ROUNDS, rows }, null, 2)}\n`,
);
console.info("wrote bench/results/stream-throughput.json");
