// One refresh per refresh token. Chutes rotates refresh tokens with no grace window (protocol
// §1.5): a second concurrent refresh with the same token gets invalid_grant and would end the
// session. Concurrent callers share the in-flight call, and callers that arrive shortly after
// (a request sent before the browser got the new cookie) reuse its result.

export interface SingleFlight<T> {
  run(key: string, task: () => Promise<T>): Promise<T>;
}

export function createSingleFlight<T>(
  retainMs: number,
  options: { now?: () => number; retain?: (value: T) => boolean } = {},
): SingleFlight<T> {
  const now = options.now ?? Date.now;
  const retain = options.retain ?? (() => true);
  const inflight = new Map<string, Promise<T>>();
  const recent = new Map<string, { value: T; at: number }>();

  return {
    async run(key, task) {
      const current = now();
      for (const [k, entry] of recent) if (current - entry.at > retainMs) recent.delete(k);
      const done = recent.get(key);
      if (done) return done.value;
      const pending = inflight.get(key);
      if (pending) return pending;
      const promise = task()
        .then((value) => {
          if (retain(value)) recent.set(key, { value, at: now() });
          return value;
        })
        .finally(() => inflight.delete(key));
      inflight.set(key, promise);
      return promise;
    },
  };
}
