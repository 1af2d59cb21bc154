// What the server costs in memory: RSS of the whole `next start` process tree (the server runs in a
// child of it) idle after start, after 1,000 chats, while 64 answers stream at once, and after 1,000 more
// chats; BENCH_SOAK_ROUNDS more rounds of 1,000 after that (default 0). At each idle point also the
// server's JavaScript heap after a forced full GC, read through its inspector: RSS keeps what the
// allocator once took, the live heap is what the server holds, so a heap that grows round after
// round is a leak and a flat one is not. The sample knowledge base (docs/) is ingested first, so
// every chat embeds its question and searches it.
// Needs a production build (`npm run build`). Run: npm run bench:memory. Writes bench/results/memory.json.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { getConfig, resetConfigForTests } from "../src/lib/config.ts";
import { runIngest } from "../src/lib/rag/ingest.ts";
import { emulatorAppEnv } from "../tests/emulator/appEnv.ts";
import { EmulatorClient } from "../tests/emulator/client.ts";
import { ADMIN_KEY } from "../tests/emulator/fixtures.ts";
import { processTree, startProductionApp } from "./productionApp.ts";

const PORT = Number(process.env.BENCH_PORT ?? 3710);
const CHATS = Number(process.env.BENCH_CHATS ?? 1000);
const CHAT_CONCURRENCY = 8;
const STREAMS = 64;
/** Paces the 64 answers so that they are all open at once for a while. */
const STREAM_TOKEN_DELAY_MS = 25;
const IDLE_MS = 3000;
const MODEL = "deepseek-ai/DeepSeek-V3.2-TEE";
const DATA_DIR = "bench/out/memory";
const SOAK_ROUNDS = Number(process.env.BENCH_SOAK_ROUNDS ?? 0);
const INSPECT_PORT = PORT + 29;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** RSS of a process and all its descendants, in MB. */
function treeRssMb(root: number): number {
  let kb = 0;
  for (const pid of processTree(root)) {
    try {
      kb += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
    } catch {} // exited meanwhile
  }
  return Math.round(kb / 1024);
}

/** The server's live JavaScript heap in MB after a full GC, through the inspector (Chrome DevTools Protocol). */
async function liveHeapMb(): Promise<number> {
  const [target] = (await (await fetch(`http://127.0.0.1:${INSPECT_PORT}/json/list`)).json()) as Array<{
    webSocketDebuggerUrl: string;
  }>;
  if (!target) throw new Error("the server's inspector lists no target");
  const socket = new WebSocket(target.webSocketDebuggerUrl);
  await new Promise((resolve, reject) => {
    socket.onopen = resolve;
    socket.onerror = reject;
  });
  let id = 0;
  const call = (method: string) =>
    new Promise<Record<string, number>>((resolve) => {
      const mine = ++id;
      socket.addEventListener("message", function answer(event) {
        const message = JSON.parse(String(event.data)) as { id?: number; result?: Record<string, number> };
        if (message.id !== mine) return;
        socket.removeEventListener("message", answer);
        resolve(message.result ?? {});
      });
      socket.send(JSON.stringify({ id: mine, method }));
    });
  try {
    // Twice: the first collection's finalizers can free more for the second.
    await call("HeapProfiler.collectGarbage");
    await call("HeapProfiler.collectGarbage");
    const { usedSize = 0 } = await call("Runtime.getHeapUsage");
    return Math.round(usedSize / 2 ** 20);
  } finally {
    socket.close();
  }
}

const chatInit = (i: number): RequestInit => ({
  method: "POST",
  headers: { "content-type": "application/json", "x-chutes-api-key": ADMIN_KEY },
  body: JSON.stringify({
    model: MODEL,
    messages: [
      {
        id: `m${i}`,
        role: "user",
        parts: [{ type: "text", text: `Memory question ${i}: how do I ingest?` }],
      },
    ],
  }),
});

async function chat(url: string, i: number): Promise<void> {
  const response = await fetch(`${url}/api/chat`, chatInit(i));
  const text = await response.text();
  if (!response.ok || !text.includes('"type":"finish"'))
    throw new Error(`chat ${i}: HTTP ${response.status}`);
}

/** A streamed answer: resolves `open` at its first text, `done` at its end. */
function stream(url: string, i: number): { open: Promise<void>; done: Promise<void> } {
  let opened: () => void = () => {};
  const open = new Promise<void>((resolve) => {
    opened = resolve;
  });
  const done = (async () => {
    const response = await fetch(`${url}/api/chat`, chatInit(i));
    if (!response.ok) throw new Error(`stream ${i}: HTTP ${response.status}`);
    const decoder = new TextDecoder();
    let seen = "";
    for await (const chunk of response.body as ReadableStream<Uint8Array>) {
      if (seen !== "done") {
        seen += decoder.decode(chunk, { stream: true });
        if (seen.includes('"type":"text-delta"')) {
          seen = "done";
          opened();
        }
      }
    }
  })();
  return { open, done };
}

const started = performance.now();
const app = await startProductionApp(
  PORT,
  DATA_DIR,
  { RATE_LIMIT_CHATS_PER_MIN: "10000" },
  {
    emulatorProcess: true,
    inspectPort: INSPECT_PORT,
    prepare: async (emulatorUrl) => {
      Object.assign(process.env, emulatorAppEnv(emulatorUrl), { DATA_DIR, CHUTES_API_KEY: ADMIN_KEY });
      resetConfigForTests();
      await runIngest({ paths: ["docs"] }, getConfig());
    },
  },
);
const control = new EmulatorClient(app.emulator.url);
const points: { point: string; rssMb: number; peakMb?: number; heapMb?: number }[] = [];
try {
  await sleep(IDLE_MS);
  points.push({ point: "idle after start", rssMb: treeRssMb(app.pid), heapMb: await liveHeapMb() });

  /** CHATS chats, CHAT_CONCURRENCY at a time, numbered from `first`; then idle. The RSS peak meanwhile. */
  const chats = async (first: number, point: string) => {
    let peak = 0;
    const sampler = setInterval(() => {
      peak = Math.max(peak, treeRssMb(app.pid));
    }, 100);
    let next = first;
    await Promise.all(
      Array.from({ length: CHAT_CONCURRENCY }, async () => {
        while (next < first + CHATS) await chat(app.url, next++);
      }),
    );
    clearInterval(sampler);
    await sleep(IDLE_MS);
    points.push({ point, rssMb: treeRssMb(app.pid), peakMb: peak, heapMb: await liveHeapMb() });
  };
  await chats(0, `idle after ${CHATS} chats (${CHAT_CONCURRENCY} at a time)`);

  await control.configure({ tokenDelayMs: STREAM_TOKEN_DELAY_MS });
  const streams = Array.from({ length: STREAMS }, (_, i) => stream(app.url, CHATS + i));
  await Promise.all(streams.map((s) => s.open));
  const open = treeRssMb(app.pid);
  let peak = open;
  const openSampler = setInterval(() => {
    peak = Math.max(peak, treeRssMb(app.pid));
  }, 100);
  await Promise.all(streams.map((s) => s.done));
  clearInterval(openSampler);
  points.push({ point: `${STREAMS} answers streaming at once`, rssMb: open, peakMb: peak });
  await sleep(IDLE_MS);
  points.push({
    point: `idle after the ${STREAMS} streams`,
    rssMb: treeRssMb(app.pid),
    heapMb: await liveHeapMb(),
  });
  // Memory that keeps growing with use is a leak; memory kept at the level of the first round is not.
  // BENCH_MORE_CHATS=0 stops after the streams (npm run bench does: the soak answered the question).
  await control.configure({ tokenDelayMs: 0 });
  if (process.env.BENCH_MORE_CHATS !== "0") await chats(CHATS + STREAMS, `idle after ${CHATS} more chats`);
  for (let round = 1; round <= SOAK_ROUNDS; round++)
    await chats(CHATS * (round + 1) + STREAMS, `idle after ${CHATS * (round + 2)} chats in all`);
} finally {
  await app.stop();
}

const lines = [
  `Server memory (RSS of the whole next start process tree, MB), docs/ ingested (Node ${process.version})`,
  "",
  "| point | RSS (MB) | peak during (MB) | live heap after GC (MB) |",
  "| --- | ---: | ---: | ---: |",
  ...points.map((p) => `| ${p.point} | ${p.rssMb} | ${p.peakMb ?? "–"} | ${p.heapMb ?? "–"} |`),
  "",
  `whole bench: ${((performance.now() - started) / 1000).toFixed(0)} s`,
  "",
];
process.stdout.write(lines.join("\n"));
mkdirSync("bench/results", { recursive: true });
writeFileSync(
  "bench/results/memory.json",
  `${JSON.stringify({ node: process.version, measuredAt: new Date().toISOString(), knowledgeBase: "docs", points }, null, 2)}\n`,
);
