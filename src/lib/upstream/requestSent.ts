import "server-only";
import { AsyncLocalStorage } from "node:async_hooks";
import { subscribe } from "node:diagnostics_channel";

// When an upstream request has left (its body written to the socket), a caller can run work that holds
// the event loop (an embedded PGlite search) without holding the request back. fetch (undici) reports
// each request's progress on diagnostics channels; the async context of the call tells which one is
// ours, even when the request waits for a new connection first. A fetch that is not undici's (a test's
// interceptor) reports nothing: then "sent" is when the call is over.

const awaiting = new AsyncLocalStorage<() => void>();
const byRequest = new WeakMap<object, () => void>();
let subscribed = false;

function requestOf(message: unknown): object | undefined {
  const request = (message as { request?: unknown } | null)?.request;
  return typeof request === "object" && request !== null ? request : undefined;
}

function subscribeOnce(): void {
  if (subscribed) return;
  subscribed = true;
  subscribe("undici:request:create", (message) => {
    const sent = awaiting.getStore();
    const request = requestOf(message);
    if (sent && request) byRequest.set(request, sent);
  });
  const settle = (message: unknown) => {
    const request = requestOf(message);
    const sent = request && byRequest.get(request);
    if (!request || !sent) return;
    byRequest.delete(request);
    sent();
  };
  subscribe("undici:request:bodySent", settle);
  subscribe("undici:request:error", settle);
}

/** Runs `call` (an upstream call through fetch) and tells when its request has been sent, or the call ended. */
export function trackSent<T>(call: () => Promise<T>): { result: Promise<T>; sent: Promise<void> } {
  subscribeOnce();
  let markSent: () => void = () => {};
  const sent = new Promise<void>((resolve) => {
    markSent = resolve;
  });
  const result = awaiting.run(markSent, call);
  result.then(markSent, markSent);
  return { result, sent };
}
