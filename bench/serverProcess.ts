// The servers a benchmark starts (`next start`, the empty Next app, the emulator) must be its own:
// a server left answering on the port by an earlier run that crashed would be measured instead,
// against an emulator that is gone (every figure then is an error page's), and it must not outlive
// this run either.
import type { ChildProcess } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { connect } from "node:net";

/** Throws when something already accepts connections on this loopback port. */
export async function assertPortFree(port: number): Promise<void> {
  const taken = await new Promise<boolean>((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
  if (taken)
    throw new Error(
      `port ${port} already answers: a server left by an earlier run? Stop it (e.g. pkill -f next-server) and run again.`,
    );
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

/** SIGTERM to a process and everything below it (`next start` runs its server in a child). */
export function terminateTree(root: number): number[] {
  const tree = processTree(root).reverse();
  for (const pid of tree) {
    try {
      process.kill(pid, "SIGTERM");
    } catch {}
  }
  return tree;
}

const owned = new Set<number>();
let hooked = false;

/**
 * Stops `child`'s whole tree when this process ends, however it ends (a thrown error, Ctrl-C, a
 * timeout's SIGTERM), unless `release` was called first (a stop of its own).
 */
export function stopWithThisProcess(child: ChildProcess): { release: () => void } {
  const pid = child.pid;
  if (pid === undefined) return { release: () => {} };
  owned.add(pid);
  if (!hooked) {
    hooked = true;
    process.once("exit", () => {
      for (const root of owned) terminateTree(root);
    });
    for (const signal of ["SIGINT", "SIGTERM"] as const)
      process.once(signal, () => {
        for (const root of owned) terminateTree(root);
        owned.clear();
        process.exit(signal === "SIGINT" ? 130 : 143);
      });
  }
  return { release: () => owned.delete(pid) };
}

/** Rejects when `child` exits: raced against a start-up wait, so a server that failed says so at once. */
export function exitOf(child: ChildProcess, name: string): Promise<never> {
  return new Promise((_, reject) => {
    child.once("exit", (code, signal) =>
      reject(new Error(`${name} exited during start-up (${signal ?? code})`)),
    );
  });
}
