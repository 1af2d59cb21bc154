// `npm run bench`: the production build, then every budget benchmark of issue #13 one after
// another (never two at once: each measures its baseline in the same run, on the same cores),
// then a summary of what ran and how long each took in bench/results/run.json. Each benchmark
// writes its own raw figures to bench/results/<name>.json; bench/RESULTS.md sets them beside their
// targets.
//
//   npm run bench                      build, run all, write the table
//   npm run bench -- --no-build        reuse the current build
//   npm run bench -- --only chat,stream
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";

const args = process.argv.slice(2);
const onlyIndex = args.indexOf("--only");
const only = onlyIndex === -1 ? null : new Set((args[onlyIndex + 1] ?? "").split(","));
const started = performance.now();
const timings: Record<string, { seconds: number; exitCode: number }> = {};

function run(
  name: string,
  command: string,
  commandArgs: string[],
  env: Record<string, string> = {},
): boolean {
  const t0 = performance.now();
  console.info(`\n=== ${name}: ${command} ${commandArgs.join(" ")}`);
  const result = spawnSync(command, commandArgs, { stdio: "inherit", env: { ...process.env, ...env } });
  const seconds = Math.round((performance.now() - t0) / 100) / 10;
  timings[name] = { seconds, exitCode: result.status ?? 1 };
  console.info(`=== ${name}: ${result.status === 0 ? "done" : `FAILED (${result.status})`} in ${seconds} s`);
  return result.status === 0;
}

/** The budget benchmarks, in the order they run. */
// Fewer repeat rounds than each benchmark's own default where a round is long (each still
// interleaves its sides), and without the parts each benchmark alone still measures (below), so the
// whole run fits in 10 minutes on the 2-core machine.
const BENCHES: Array<{ name: string; script: string; args: string[]; env?: Record<string, string> }> = [
  { name: "bundle", script: "bench/bundle.ts", args: [] },
  { name: "chat", script: "bench/chat-overhead.ts", args: [] },
  // Without the identity-encoded side: that the answer is not compressed is a browser test's to check.
  {
    name: "stream",
    script: "bench/stream-throughput.ts",
    args: [],
    env: { BENCH_ROUNDS: "2", BENCH_SIDES: "direct,pipe,sdk,app" },
  },
  { name: "memory", script: "bench/memory.ts", args: [], env: { BENCH_MORE_CHATS: "0" } },
  { name: "longchat", script: "bench/long-chat.ts", args: [], env: { LONGCHAT_ROUNDS: "1" } },
  // One mobile round at Lighthouse's 4x; the calibrated round and desktop are bench:lighthouse's own.
  {
    name: "lighthouse",
    script: "bench/lighthouse.ts",
    args: [],
    env: { LH_ROUNDS: "1", LH_CALIBRATED: "0", LH_DESKTOP: "0" },
  },
  // Warm after its first run: the built databases are cached under bench/out/retrieval-scale/.
  // The bulk load's check against store.writeDocument is bench:scale's own (its code changes rarely).
  { name: "scale", script: "bench/retrieval-scale.ts", args: ["--rounds", "1", "--skip-check"] },
];

if (!args.includes("--no-build")) {
  // The type check is CI's own step; the benchmarks need only the compiled app.
  if (!run("build", "npx", ["next", "build"], { NEXT_SKIP_TYPECHECK: "1" })) process.exit(1);
}
for (const bench of BENCHES) {
  if (only && !only.has(bench.name)) continue;
  run(bench.name, process.execPath, ["--conditions=react-server", bench.script, ...bench.args], bench.env);
}

const totalSeconds = Math.round((performance.now() - started) / 1000);
const summary = {
  date: new Date().toISOString(),
  machine: { cpus: cpus().length, memGiB: Math.round(totalmem() / 2 ** 30), loadAvgAtEnd: loadavg()[0] },
  node: process.version,
  totalSeconds,
  timings,
};
writeFileSync("bench/results/run.json", `${JSON.stringify(summary, null, 2)}\n`);
console.info(`\nall benchmarks: ${totalSeconds} s`);
const failed = Object.entries(timings).filter(([, t]) => t.exitCode !== 0);
if (failed.length) console.error(`failed: ${failed.map(([name]) => name).join(", ")}`);
process.exit(failed.length ? 1 : 0);
