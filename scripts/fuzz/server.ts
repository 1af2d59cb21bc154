// Starts the Chutes emulator and the production build (`next start`) on loopback for `npm run fuzz
// -- --serve` (CI) and `npm run soak`, and reports the server's memory and open files.

import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { OAUTH_CLIENT } from "../../tests/emulator/fixtures.ts";
import { type EmulatorHandle, startEmulator } from "../../tests/emulator/server.ts";

export interface ServedApp {
  base: string;
  emulator: EmulatorHandle;
  pid: number;
  stop(): Promise<void>;
}

export async function serveApp(port: number, extraEnv: Record<string, string> = {}): Promise<ServedApp> {
  const emulator = await startEmulator({
    port: 0,
    tokenDelayMs: 0,
    redirectUris: [`http://127.0.0.1:${port}/api/auth/callback/chutes`],
  });
  const dataDir = mkdtempSync(join(tmpdir(), "chutes-chat-fuzz-"));
  const base = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(
    process.execPath,
    ["node_modules/next/dist/bin/next", "start", "-p", String(port), "-H", "127.0.0.1"],
    {
      env: {
        ...process.env,
        NODE_ENV: "production",
        CHUTES_API_URL: emulator.url,
        CHUTES_IDP_URL: emulator.url,
        CHUTES_LLM_URL: `${emulator.url}/llm/v1`,
        CHUTES_EMBEDDINGS_URL: `${emulator.url}/embed/v1`,
        OPENROUTER_API_URL: `${emulator.url}/openrouter/api/v1`,
        CHUTES_CLIENT_ID: OAUTH_CLIENT.clientId,
        CHUTES_CLIENT_SECRET: OAUTH_CLIENT.clientSecret,
        NEXTAUTH_URL: base,
        NEXTAUTH_SECRET: "fuzz-only-secret-not-used-anywhere-else-0123456789",
        DATA_DIR: dataDir,
        ...extraEnv,
      },
      stdio: ["ignore", "ignore", "inherit"],
      detached: true,
    },
  );
  const pid = child.pid ?? 0;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const stop = async () => {
    try {
      process.kill(-pid, "SIGTERM");
    } catch {
      // already gone
    }
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    await emulator.close();
    rmSync(dataDir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`next start exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${base}/api/rag/status`)).status < 500) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error("next start did not answer within 60 s");
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return { base, emulator, pid, stop };
}

export interface ProcessStats {
  rssMb: number;
  fds: number;
}

/** RSS and open file descriptors summed over a process and its descendants (Linux /proc). */
export function processTreeStats(rootPid: number): ProcessStats {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // exited meanwhile
    }
  }
  let rssKb = 0;
  let fds = 0;
  const queue = [rootPid];
  while (queue.length > 0) {
    const pid = queue.pop() as number;
    try {
      const status = readFileSync(`/proc/${pid}/status`, "utf8");
      rssKb += Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
      fds += readdirSync(`/proc/${pid}/fd`).length;
    } catch {
      // exited meanwhile
    }
    queue.push(...(children.get(pid) ?? []));
  }
  return { rssMb: Math.round(rssKb / 1024), fds };
}
