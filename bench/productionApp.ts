// The production build started for a benchmark: the emulator, then `next start` wired to it
// (Sign in with Chutes included), with its own data folder. `npm run build` must have run.
import { spawn } from "node:child_process";
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { HINT_COOKIE } from "../src/components/shell/connectionHint.ts";
import { API_KEY_STORAGE_KEY } from "../src/lib/chutesAuth.ts";
import { emulatorAppEnv } from "../tests/emulator/appEnv.ts";
import { ADMIN_KEY, alice } from "../tests/emulator/fixtures.ts";
import { type EmulatorHandle, startEmulator } from "../tests/emulator/server.ts";

export interface ProductionApp {
  url: string;
  /** The `next start` process (its server may run in a child: see processTree). */
  pid: number;
  emulator: EmulatorHandle;
  stop(): Promise<void>;
}

export async function startProductionApp(
  port: number,
  dataDir: string,
  env: Record<string, string> = {},
): Promise<ProductionApp> {
  const url = `http://127.0.0.1:${port}`;
  const emulator = await startEmulator({ port: 0, tokenDelayMs: 0 });
  const nextBin = fileURLToPath(new URL("../node_modules/next/dist/bin/next", import.meta.url));
  rmSync(dataDir, { recursive: true, force: true });
  // BENCH_NODE_ARGS, e.g. "--cpu-prof --cpu-prof-dir=bench/out/prof", to profile the server.
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? "").split(" ").filter(Boolean);
  const app = spawn(
    process.execPath,
    [...nodeArgs, nextBin, "start", "-p", String(port), "-H", "127.0.0.1"],
    {
      env: { ...process.env, ...emulatorAppEnv(emulator.url, { appUrl: url }), DATA_DIR: dataDir, ...env },
      stdio: "ignore",
    },
  );
  const stop = async () => {
    // `next start` runs its server in a child process ("next-server"), which outlives a parent
    // that alone is killed: stop the whole tree.
    for (const pid of processTree(app.pid ?? 0).reverse()) {
      try {
        process.kill(pid, "SIGTERM");
      } catch {}
    }
    await emulator.close();
  };
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(`${url}/`)).ok) return { url, pid: app.pid ?? 0, emulator, stop };
    } catch {}
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await stop();
  throw new Error("the app did not start (did you run npm run build?)");
}

/** A process and every process below it, parents first (read from /proc). */
export function processTree(root: number): number[] {
  const parents = new Map<number, number>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch {}
  }
  const tree = [root];
  for (let i = 0; i < tree.length; i++)
    for (const [pid, parent] of parents) if (parent === tree[i]) tree.push(pid);
  return tree;
}

/**
 * What a browser holds after a key was saved: the entry in localStorage (as [name, value], for
 * `localStorage.setItem` inside the page) and the hint cookie the server paints the chat from.
 */
export const SAVED_KEY_ENTRY: readonly [string, string] = [
  API_KEY_STORAGE_KEY,
  JSON.stringify({
    key: ADMIN_KEY,
    account: { scope: "admin", username: alice.username, balance: 12.35 },
    savedAt: new Date().toISOString(),
  }),
];
export const savedKeyHintCookie = (url: string) => ({ name: HINT_COOKIE, value: "key", url });
