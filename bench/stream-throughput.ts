// Streaming throughput through /api/chat against the same streams straight from the Chutes
// emulator (no token delay, so the upstream is as fast as it gets), at 1, 16 and 64 concurrent
// streams, rounds interleaved (direct, app, app with identity encoding, ...). The emulator runs in
// a process of its own, apart from this client, and every process's CPU is counted: the server's
// (the `next start` tree), the emulator's and the client's, per side. Throughput compares whole
// answers (the same answers both sides), not SSE events, which the two sides frame differently.
// Needs a production build. Run: npm run bench:stream
import { spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { EmulatorClient } from "../tests/emulator/client.ts";
import { ADMIN_KEY } from "../tests/emulator/fixtures.ts";
import { startEmptyNext } from "./emptyNext.ts";
import { processTree, startProductionApp, uiChatBody } from "./productionApp.ts";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const LEVELS = (process.env.BENCH_LEVELS ?? "1,16,64").split(",").map(Number);
// "sdk": the same streams through a Next route with the AI SDK alone (bench/emptyNext.ts), the floor
// of a chat route on this stack.
// "pipe": the same streams through a bare pass-through server (bench/pipe-proxy.ts), the floor of
// what any server in the path costs on these cores.
const SIDES = (process.env.BENCH_SIDES ?? "direct,pipe,sdk,app,app, identity").split(/,(?! )/) as Side[];
// Also N streams from an upstream paced at M ms per token ("N@M", "" for none): still several
// times faster than a real model, but an upstream the emulator keeps up with, so the ratio there
// shows whether the server keeps up rather than how the 2 cores are shared.
const PACED = (process.env.BENCH_PACED ?? "64@4")
  .split(",")
  .filter(Boolean)
  .map((level) => level.split("@").map(Number));
const MODEL = "deepseek-ai/DeepSeek-V3.2-TEE";
const QUESTION = "Please give me a long answer about streaming";

// One client sends every stream here: the per-address chat limit would refuse most of them.
const APP_PORT = 3710;
/** The empty Next app's AI SDK route (bench/emptyNext.ts); the emulator and pipe take free ports. */
const SDK_PORT = APP_PORT + 2;
const app = await startProductionApp(
  APP_PORT,
  `${process.cwd()}/bench/out/stream`,
  { RATE_LIMIT_CHATS_PER_MIN: "10000" },
  { emulatorProcess: true },
);

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
  return kb / 1024;
}
const clientCpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

type Side = "direct" | "pipe" | "sdk" | "app" | "app, identity";

/** The pass-through server, in its own process; its CPU is counted as the server's on its side. */
const pipe = await (async () => {
  const script = fileURLToPath(new URL("./pipe-proxy.ts", import.meta.url));
  const child = spawn(process.execPath, [script, `${app.emulator.url}`], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.once("data", (data: Buffer) =>
      resolve((JSON.parse(data.toString()) as { url: string }).url),
    );
    child.once("exit", (code) => reject(new Error(`the pass-through server exited (${code})`)));
  });
  return { url, pid: child.pid ?? 0, stop: () => child.kill("SIGTERM") };
})();

const sdk = await startEmptyNext(SDK_PORT, `${app.emulator.url}/llm/v1`);

const uiChat = (i: number) => uiChatBody(MODEL, `u${i}`, `${QUESTION} ${i}`);

/**
 * Reads a stream to its end as a client would: every SSE event parsed, the answer's text put
 * together (an OpenAI chunk's content, a UI message stream's text deltas).
 */
async function answer(response: Response, side: Side): Promise<{ events: number; text: number }> {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let events = 0;
  let text = 0;
  let tail = "";
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    const parts = (tail + decoder.decode(value, { stream: true })).split("\n\n");
    tail = parts.pop() ?? "";
    for (const part of parts) {
      events++;
      if (!part.startsWith("data: ") || part === "data: [DONE]") continue;
      const data = JSON.parse(part.slice(6));
      if (side === "direct" || side === "pipe") text += data.choices?.[0]?.delta?.content?.length ?? 0;
      else if (data.type === "text-delta") text += data.delta.length;
    }
  }
  return { events, text };
}

const request = (side: Side, i: number) =>
  side === "direct" || side === "pipe"
    ? fetch(`${side === "pipe" ? pipe.url : app.emulator.url}/llm/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${ADMIN_KEY}` },
        body: JSON.stringify({
          model: MODEL,
          stream: true,
          messages: [{ role: "user", content: `${QUESTION} ${i}` }],
        }),
      })
    : side === "sdk"
      ? fetch(`${sdk.url}/api/sdk`, {
          method: "POST",
          headers: { "content-type": "application/json", "x-chutes-api-key": ADMIN_KEY },
          body: JSON.stringify(uiChat(i)),
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
          body: JSON.stringify(uiChat(i)),
        });

async function round(side: Side, concurrency: number) {
  const server = side === "pipe" ? [pipe.pid] : processTree(side === "sdk" ? sdk.pid : app.pid);
  const before = { server: cpuMs(server), emulator: cpuMs([app.emulator.pid]), client: clientCpuMs() };
  let rssPeak = rssMb(server);
  const sampler = setInterval(() => {
    rssPeak = Math.max(rssPeak, rssMb(server));
  }, 50);
  const started = performance.now();
  const failures: string[] = [];
  const results = await Promise.all(
    Array.from({ length: concurrency }, async (_, i) => {
      const response = await request(side, i).catch((error: unknown) => error as Error);
      if (response instanceof Error || !response.ok) {
        // Counted and shown, not fatal: one refused stream should not lose the whole run.
        failures.push(
          response instanceof Error ? response.message : `HTTP ${response.status} ${await response.text()}`,
        );
        return undefined;
      }
      // The app answers on the first chunk: its status is the first byte, after the route's prologue.
      const firstByte = performance.now() - started;
      const read = await answer(response, side);
      const ms = performance.now() - started;
      return { ...read, ms, firstByte, streaming: ms - firstByte };
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  if (failures.length > 0) console.warn(`${side} x${concurrency}: ${failures.length} failed: ${failures[0]}`);
  const answers = results.filter((a) => a !== undefined);
  const sum = (key: "events" | "text") => answers.reduce((total, a) => total + a[key], 0);
  return {
    failures: failures.length,
    answersPerSecond: answers.length / seconds,
    answerMs: median(answers.map((a) => a.ms)),
    firstByteMs: median(answers.map((a) => a.firstByte)),
    // First byte to last: the streaming alone, without the prologue (question search, etc.).
    streamingMs: median(answers.map((a) => a.streaming)),
    eventsPerSecond: sum("events") / seconds,
    eventsPerAnswer: sum("events") / answers.length,
    textPerAnswer: sum("text") / answers.length,
    // CPU per answer, ms: the same answers on both sides, whatever their framing.
    serverCpu: (cpuMs(server) - before.server) / answers.length,
    emulatorCpu: (cpuMs([app.emulator.pid]) - before.emulator) / answers.length,
    clientCpu: (clientCpuMs() - before.client) / answers.length,
    seconds,
    rssPeak,
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}
const rows: Array<Record<string, number | string>> = [];
const benchStarted = performance.now();
try {
  // Warm up both paths (route compilation, the first store open) before measuring.
  await round("app", 4);
  await round("direct", 4);
  await round("pipe", 4);
  await round("sdk", 4);
  await round("app", 16);
  const emulator = new EmulatorClient(app.emulator.url);
  const levels = [
    ...LEVELS.map((concurrency) => ({ concurrency, paceMs: 0, sides: SIDES })),
    ...PACED.map(([concurrency = 64, paceMs = 4]) => ({
      concurrency,
      paceMs,
      sides: ["direct", "pipe", "sdk", "app"] as Side[],
    })),
  ];
  for (const { concurrency, paceMs, sides } of levels) {
    await emulator.configure({ tokenDelayMs: paceMs });
    const seen = new Map<Side, Array<Awaited<ReturnType<typeof round>>>>(sides.map((side) => [side, []]));
    for (let r = 0; r < ROUNDS; r++)
      for (const side of sides) seen.get(side)?.push(await round(side, concurrency));
    const direct = seen.get("direct") ?? [];
    const directRate = median(direct.map((s) => s.answersPerSecond));
    const directMs = median(direct.map((s) => s.answerMs));
    const pipeRate = median((seen.get("pipe") ?? []).map((s) => s.answersPerSecond));
    const sdkRate = median((seen.get("sdk") ?? []).map((s) => s.answersPerSecond));
    const directStreamingMs = median(direct.map((s) => s.streamingMs));
    // The upstream's chunks per answer (direct events less [DONE]): the unit of server cost.
    const upstreamChunks = median(direct.map((s) => s.eventsPerAnswer)) - 1;
    for (const [side, runs] of seen) {
      const m = (pick: (s: (typeof runs)[number]) => number) => median(runs.map(pick));
      const rates = runs.map((s) => s.answersPerSecond);
      const fixed = (value: number, digits = 2) => Number(value.toFixed(digits));
      rows.push({
        concurrency,
        paceMs,
        side,
        answersPerSecond: fixed(m((s) => s.answersPerSecond)),
        min: fixed(Math.min(...rates)),
        max: fixed(Math.max(...rates)),
        ratioToDirect: directRate ? fixed(m((s) => s.answersPerSecond) / directRate, 3) : 0,
        medianAnswerMs: Math.round(m((s) => s.answerMs)),
        // Against the bare pass-through: what the app costs beyond forwarding the bytes.
        ratioToPipe: pipeRate ? fixed(m((s) => s.answersPerSecond) / pipeRate, 3) : 0,
        // Against Next + the AI SDK alone: what the app's own work costs on this stack.
        ratioToSdk: sdkRate ? fixed(m((s) => s.answersPerSecond) / sdkRate, 3) : 0,
        answerTimeRatio: directMs ? fixed(directMs / m((s) => s.answerMs), 3) : 0,
        medianFirstByteMs: Math.round(m((s) => s.firstByteMs)),
        medianStreamingMs: Math.round(m((s) => s.streamingMs)),
        streamingTimeRatio: directStreamingMs ? fixed(directStreamingMs / m((s) => s.streamingMs), 3) : 0,
        eventsPerSecond: Math.round(m((s) => s.eventsPerSecond)),
        eventsPerAnswer: Math.round(m((s) => s.eventsPerAnswer)),
        textPerAnswer: Math.round(m((s) => s.textPerAnswer)),
        serverCpuMsPerAnswer: fixed(
          m((s) => s.serverCpu),
          1,
        ),
        serverCpuMsPer1000UpstreamChunks: upstreamChunks
          ? Math.round((m((s) => s.serverCpu) / upstreamChunks) * 1000)
          : 0,
        emulatorCpuMsPerAnswer: fixed(
          m((s) => s.emulatorCpu),
          1,
        ),
        clientCpuMsPerAnswer: fixed(
          m((s) => s.clientCpu),
          1,
        ),
        serverRssPeakMb: Math.round(Math.max(...runs.map((s) => s.rssPeak))),
        failures: runs.reduce((total, s) => total + s.failures, 0),
      });
    }
  }
} finally {
  pipe.stop();
  sdk.stop();
  await app.stop();
}
for (const row of rows)
  console.info(
    Object.entries(row)
      .map(([k, v]) => `${k}=${v}`)
      .join("  "),
  );
const seconds = Math.round((performance.now() - benchStarted) / 1000);
writeFileSync(
  "bench/results/stream-throughput.json",
  `${JSON.stringify({ date: new Date().toISOString(), node: process.version, rounds: ROUNDS, seconds, rows }, null, 2)}\n`,
);
console.info(`wrote bench/results/stream-throughput.json (${seconds} s)`);
