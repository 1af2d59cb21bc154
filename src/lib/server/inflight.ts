import "server-only";

// Open chat streams, so a shutdown can wait for them and then end them upstream. Kept on globalThis:
// Next bundles instrumentation.ts and the route handlers separately, and both must see one registry.

type Abort = () => void;

interface Registry {
  streams: Set<Abort>;
  draining: boolean;
  onEmpty: Set<() => void>;
  /** Aborted when the grace period ends: upstream calls pass it on so Chutes stops generating. */
  deadline: AbortController;
}

const g = globalThis as typeof globalThis & { __chutesChatInflight?: Registry };
g.__chutesChatInflight ??= {
  streams: new Set(),
  draining: false,
  onEmpty: new Set(),
  deadline: new AbortController(),
};
const registry: Registry = g.__chutesChatInflight;

/** Registers an open stream; `abort` ends it (and its upstream call). Returns the release function. */
export function trackStream(abort: Abort): () => void {
  let entry: Abort | undefined = abort;
  registry.streams.add(abort);
  return () => {
    if (!entry) return;
    registry.streams.delete(entry);
    entry = undefined;
    if (registry.streams.size === 0) for (const wake of registry.onEmpty) wake();
  };
}

export function openStreamCount(): number {
  return registry.streams.size;
}

/** Aborts when a shutdown's grace period ends; combine it with the request's signal upstream. */
export function shutdownSignal(): AbortSignal {
  return registry.deadline.signal;
}

/** True once a shutdown began: readiness reports it so a load balancer stops sending requests. */
export function isDraining(): boolean {
  return registry.draining;
}

/**
 * Lets open streams finish for up to `graceMs`, then aborts the rest. Resolves with how many
 * finished on their own and how many were aborted.
 */
export async function drainStreams(graceMs: number): Promise<{ finished: number; aborted: number }> {
  registry.draining = true;
  const open = registry.streams.size;
  if (open === 0) return { finished: 0, aborted: 0 };
  await new Promise<void>((resolve) => {
    const timer = setTimeout(done, graceMs);
    function done() {
      clearTimeout(timer);
      registry.onEmpty.delete(done);
      resolve();
    }
    registry.onEmpty.add(done);
  });
  const remaining = [...registry.streams];
  // End each answer with its error part first, then cut the upstream calls.
  for (const abort of remaining) abort();
  registry.deadline.abort(new Error("server shutting down"));
  return { finished: open - remaining.length, aborted: remaining.length };
}
