// The production build started for a benchmark: the emulator, then `next start` wired to it
// (Sign in with Chutes included), with its own data folder. `npm run build` must have run.
import { spawn } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { HINT_COOKIE } from "../src/components/shell/connectionHint.ts";
import { API_KEY_STORAGE_KEY } from "../src/lib/chutesAuth.ts";
import { emulatorAppEnv } from "../tests/emulator/appEnv.ts";
import { ADMIN_KEY, alice } from "../tests/emulator/fixtures.ts";
import { type EmulatorHandle, startEmulator } from "../tests/emulator/server.ts";
import { assertPortFree, exitOf, processTree, stopWithThisProcess, terminateTree } from "./serverProcess.ts";

export { processTree } from "./serverProcess.ts";

export interface ProductionApp {
  url: string;
  /** The `next start` process (its server may run in a child: see processTree). */
  pid: number;
  /** From spawning `next start` to its first answer (GET /), in milliseconds. */
  startMs: number;
  emulator: Pick<EmulatorHandle, "url" | "close"> & {
    /** The emulator's own process when it runs in one (`emulatorProcess`), else this process. */
    pid: number;
  };
  stop(): Promise<void>;
}

/**
 * The emulator in a process of its own (tests/emulator/cli.ts), so a benchmark's client does not
 * share an event loop, and a core's time, with the upstream it measures against.
 */
async function startEmulatorProcess(): Promise<ProductionApp["emulator"]> {
  const cli = fileURLToPath(new URL("../tests/emulator/cli.ts", import.meta.url));
  const child = spawn(
    process.execPath,
    ["--conditions=react-server", cli, "--port", "0", "--token-delay-ms", "0"],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  const owned = stopWithThisProcess(child);
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (data: Buffer) => {
      out += data.toString();
      const line = out.split("\n")[0];
      if (out.includes("\n")) resolve((JSON.parse(line ?? "") as { url: string }).url);
    });
    child.once("exit", (code) => reject(new Error(`the emulator exited (${code})`)));
  });
  return {
    url,
    pid: child.pid ?? 0,
    close: () =>
      new Promise<void>((resolve) => {
        owned.release();
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

export async function startProductionApp(
  port: number,
  dataDir: string,
  env: Record<string, string> = {},
  options: {
    emulatorProcess?: boolean;
    /** Runs once the emulator is up and the data folder is empty, before the app starts (e.g. an ingest). */
    prepare?: (emulatorUrl: string) => Promise<void>;
    /** Starts on the data folder as a previous start left it (no emptying, no `prepare`): a restart. */
    keepData?: boolean;
    /** false: return at the first answer, before the warm-up settles (to time a first request). */
    settle?: boolean;
    /** Opens the server's inspector on this loopback port (to force a GC and read its heap). */
    inspectPort?: number;
  } = {},
): Promise<ProductionApp> {
  const url = `http://127.0.0.1:${port}`;
  await assertPortFree(port);
  const emulator = options.emulatorProcess
    ? await startEmulatorProcess()
    : Object.assign(await startEmulator({ port: 0, tokenDelayMs: 0 }), { pid: process.pid });
  const nextBin = fileURLToPath(new URL("../node_modules/next/dist/bin/next", import.meta.url));
  if (!options.keepData) {
    rmSync(dataDir, { recursive: true, force: true });
    await options.prepare?.(emulator.url);
  }
  const spawnedAt = performance.now();
  // BENCH_NODE_ARGS, e.g. "--cpu-prof --cpu-prof-dir=bench/out/prof", to profile the server.
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? "").split(" ").filter(Boolean);
  const app = spawn(
    process.execPath,
    [
      ...nodeArgs,
      nextBin,
      "start",
      "-p",
      String(port),
      "-H",
      "127.0.0.1",
      ...(options.inspectPort ? ["--inspect", `127.0.0.1:${options.inspectPort}`] : []),
    ],
    {
      // Absolute: with BENCH_APP_DIR the app runs in another folder, and must open this one's data.
      env: {
        ...process.env,
        ...emulatorAppEnv(emulator.url, { appUrl: url }),
        DATA_DIR: resolve(dataDir),
        ...env,
      },
      stdio: "ignore",
      // BENCH_APP_DIR: another checkout whose build to start (an A/B of two builds from one bench).
      cwd: process.env.BENCH_APP_DIR || undefined,
    },
  );
  const owned = stopWithThisProcess(app);
  // A server that fails to start (its port taken, a missing build) says so now, not after 30 s.
  let failed: Error | undefined;
  exitOf(app, "next start").catch((error: Error) => {
    failed = error;
  });
  const stop = async () => {
    owned.release();
    // `next start` runs its server in a child process ("next-server"), which outlives a parent
    // that alone is killed: stop the whole tree.
    const tree = terminateTree(app.pid ?? 0);
    // Gone before this returns (at most 10 s), so a restart finds the data folder's lock released.
    const alive = (pid: number) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    for (let i = 0; i < 100 && tree.some(alive); i++) await new Promise((r) => setTimeout(r, 100));
    await emulator.close();
  };
  for (let i = 0; i < 300 && !failed; i++) {
    try {
      if ((await fetch(`${url}/`)).ok) {
        const startMs = performance.now() - spawnedAt;
        // The warm-up (instrumentation.ts) opens the store in the background: measuring before it
        // settles would time the benchmark's first requests against it.
        if (options.settle !== false) await settled(app.pid ?? 0);
        return { url, pid: app.pid ?? 0, startMs, emulator, stop };
      }
    } catch {}
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await stop();
  throw failed ?? new Error("the app did not start (did you run npm run build?)");
}

/** Waits (at most 30 s) until a process tree has used under 5% of a core for half a second. */
export async function settled(root: number): Promise<void> {
  const cpuTicks = () =>
    processTree(root).reduce((total, pid) => {
      try {
        const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
        return total + Number(fields[11]) + Number(fields[12]);
      } catch {
        return total;
      }
    }, 0);
  for (let i = 0; i < 60; i++) {
    const before = cpuTicks();
    await new Promise((resolve) => setTimeout(resolve, 500));
    // Ticks are 10 ms (USER_HZ 100): at most 2 in 500 ms.
    if (cpuTicks() - before <= 2) return;
  }
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

/** The body a browser's useChat sends for one question: the app's /api/chat and the AI SDK floor take it. */
export const uiChatBody = (model: string, id: string, text: string) => ({
  model,
  messages: [{ id, role: "user", parts: [{ type: "text", text }] }],
});
