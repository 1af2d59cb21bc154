// `npm run soak -- --port 3402 --fuzz 5000 --chats 1000`: does the server's memory come back?
// Starts the emulator and the production build, warms it up, then records RSS and open file
// descriptors (the whole server process tree) after warm-up, after the fuzz requests and after the
// chats, each after a short idle pause. Fails when either ends more than 20% above warm-up.
// `--snapshots DIR` also writes V8 heap snapshots (SIGUSR2) at each point, for a heap diff.

import { mkdirSync } from "node:fs";
import { parseArgs } from "node:util";
import { ADMIN_KEY } from "../tests/emulator/fixtures.ts";
import { CaseGenerator } from "./fuzz/cases.ts";
import { send } from "./fuzz/send.ts";
import { type ProcessStats, processTreeStats, serveApp } from "./fuzz/server.ts";

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "3402" },
    fuzz: { type: "string", default: "5000" },
    chats: { type: "string", default: "1000" },
    concurrency: { type: "string", default: "8" },
    idle: { type: "string", default: "10" },
    snapshots: { type: "string" },
  },
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function pool(count: number, concurrency: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await task(next++);
    }),
  );
}

async function chat(base: string, i: number): Promise<boolean> {
  const response = await fetch(`${base}/api/chat`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-chutes-api-key": ADMIN_KEY },
    body: JSON.stringify({
      model: "deepseek-ai/DeepSeek-V3.2-TEE",
      messages: [
        {
          id: `m${i}`,
          role: "user",
          parts: [{ type: "text", text: `Soak question ${i}: what is in the docs?` }],
        },
      ],
    }),
  });
  const text = await response.text();
  return response.ok && text.includes("finish");
}

async function main(): Promise<number> {
  const concurrency = Number(values.concurrency);
  const snapshotDir = values.snapshots;
  if (snapshotDir) mkdirSync(snapshotDir, { recursive: true });
  const served = await serveApp(Number(values.port), {
    NODE_OPTIONS: snapshotDir ? `--heapsnapshot-signal=SIGUSR2 --diagnostic-dir=${snapshotDir}` : "",
  });
  const base = new URL(served.base);
  const points: { label: string; stats: ProcessStats }[] = [];
  const record = async (label: string) => {
    await sleep(Number(values.idle) * 1000);
    if (snapshotDir) {
      process.kill(served.pid, "SIGUSR2");
      await sleep(8000);
    }
    points.push({ label, stats: processTreeStats(served.pid) });
    console.info(`${label}: RSS ${points.at(-1)?.stats.rssMb} MB, fds ${points.at(-1)?.stats.fds}`);
  };
  let failedChats = 0;
  try {
    points.push({ label: "started", stats: processTreeStats(served.pid) });
    const warm = new CaseGenerator(1000);
    await pool(500, concurrency, async () => void (await send(base, warm.next())));
    await pool(100, concurrency, async (i) => void (await chat(served.base, i)));
    await record("warmed up (500 fuzz + 100 chats)");
    const fuzz = new CaseGenerator(42);
    await pool(Number(values.fuzz), concurrency, async () => void (await send(base, fuzz.next())));
    await record(`after ${values.fuzz} fuzz requests`);
    await pool(Number(values.chats), concurrency, async (i) => {
      if (!(await chat(served.base, i))) failedChats++;
    });
    await record(`after ${values.chats} chats`);
  } finally {
    await served.stop();
  }
  const warmed = points[1]?.stats;
  console.info("\n| point | RSS (MB) | vs warm-up | open fds |\n| --- | --- | --- | --- |");
  for (const { label, stats } of points) {
    const ratio = warmed ? `${((stats.rssMb / warmed.rssMb) * 100).toFixed(0)}%` : "";
    console.info(`| ${label} | ${stats.rssMb} | ${ratio} | ${stats.fds} |`);
  }
  if (failedChats) console.info(`${failedChats} chats failed`);
  const worst = Math.max(...points.slice(2).map((p) => p.stats.rssMb / (warmed?.rssMb ?? 1)));
  return worst <= 1.2 && failedChats === 0 ? 0 : 1;
}

process.exitCode = await main();
