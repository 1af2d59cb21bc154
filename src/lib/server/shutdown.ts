import "server-only";
import { getConfig } from "../config.ts";
import { log } from "../log.ts";
import { drainStreams } from "./inflight.ts";
import { closeSharedState } from "./sharedState.ts";

// Graceful stop on SIGTERM (docker stop, systemd, Kubernetes). Next's own handler stops accepting
// connections and waits for open ones; this one bounds that wait for chat streams (a reasoning model
// can stream for minutes): after SHUTDOWN_GRACE_MS they are aborted upstream, so Chutes stops billing,
// and the databases are closed.

const g = globalThis as typeof globalThis & {
  __chutesChatShutdownInstalled?: boolean;
  __chutesChatKbStores?: Map<string, { close(): Promise<void> }>;
};

export function installGracefulShutdown(): void {
  if (g.__chutesChatShutdownInstalled) return;
  g.__chutesChatShutdownInstalled = true;
  process.once("SIGTERM", () => void shutdown("SIGTERM"));
}

async function shutdown(signal: string): Promise<void> {
  const graceMs = getConfig().SHUTDOWN_GRACE_MS;
  log().info({ signal, graceMs }, "shutdown: draining");
  const { finished, aborted } = await drainStreams(graceMs);
  log().info({ finished, aborted }, "shutdown: streams closed");
  // The store registry of src/lib/rag/store.ts (on globalThis for the same reason as ours).
  const stores = [...(g.__chutesChatKbStores?.values() ?? [])];
  g.__chutesChatKbStores?.clear();
  await Promise.allSettled([...stores.map((store) => store.close()), closeSharedState()]);
  log().info("shutdown: databases closed");
}
