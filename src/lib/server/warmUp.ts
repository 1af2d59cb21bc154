import "server-only";
import { type AppConfig, getConfig } from "../config.ts";
import { log } from "../log.ts";
import { getKbStore, type KbStore } from "../rag/store.ts";
import { forgetWarmUpToken, unitVector, WARM_UP_HEADER, warmUpToken } from "./warmUpAnswer.ts";

// At server start, what the first chat would otherwise wait for: the knowledge base opened
// (embedded PGlite: the WebAssembly module instantiated and the data folder read; a server
// database: its pool connected), pending migrations applied, the status query every question
// makes run once, and each search once (their plans are made at their first call on a
// connection). The store is shared by every bundle (see getKbStore), so the chat route finds it
// open. Next loads each route's entry at start but evaluates the route's own modules at its first
// request (for the chat route ~340 ms here, the tokenizer's tables most of it), and each piece of
// the route's code runs slowly the first time: so the warm-up sends this server one question, which
// the chat route answers in process (warmUpAnswer.ts), leaving one log line.
// Never fatal: an unreachable database is logged here and reported by the first request that
// needs it, as before. No call to Chutes or OpenRouter is made, with or without a credential.
// /api/ready answers 503 "starting" until it has finished, so a load balancer sends no user to a
// server still paying for its first request.

export interface WarmUpResult {
  ok: boolean;
  ms: number;
}

export async function warmUp(
  config: AppConfig = getConfig(),
  store: () => KbStore = () => getKbStore(config),
): Promise<WarmUpResult> {
  const started = performance.now();
  try {
    const kb = store();
    const status = await kb.status();
    if (status.hasChunks) await kb.searchText("warm up", 1);
    // A knowledge base built for another model is the first question's to report (KbMismatchError).
    const sameModel =
      status.meta?.model === kb.embedding.model && status.meta.dimensions === kb.embedding.dimensions;
    if (status.hasEmbeddings && sameModel) await kb.searchVector(unitVector(kb.embedding.dimensions), 1);
    const ms = Math.round(performance.now() - started);
    log().info({ ms }, "server: knowledge base opened");
    return { ok: true, ms };
  } catch (error) {
    const ms = Math.round(performance.now() - started);
    // The name only: a driver's message may carry the connection string.
    log().warn(
      { ms, err: error instanceof Error ? error.name : typeof error },
      "server: knowledge base not opened at start (the first request will try again)",
    );
    return { ok: false, ms };
  }
}

/**
 * Prepares the chat route's code: one question sent to `origin` (this server) and answered in
 * process (warmUpAnswer.ts), read to its end so every stage of the answer's stream runs. Never
 * throws; no upstream call.
 */
export async function warmChatRoute(origin: string, config: AppConfig = getConfig()): Promise<void> {
  const started = performance.now();
  try {
    const response = await fetch(new URL("/api/chat", origin), {
      method: "POST",
      headers: { "content-type": "application/json", [WARM_UP_HEADER]: warmUpToken() },
      body: JSON.stringify({
        model: config.CHUTES_DEFAULT_MODEL,
        messages: [{ id: "warm-up", role: "user", parts: [{ type: "text", text: "How do I warm up?" }] }],
      }),
      signal: AbortSignal.timeout(30_000),
    });
    await response.text();
    // The route logs the request as any other: say whose it was.
    log().info(
      { ms: Math.round(performance.now() - started), status: response.status },
      "server: chat route warmed (the warm-up's own question, answered without Chutes)",
    );
  } catch {
    // Not served (yet, or at another address): the first chat pays for the first run, as without this.
  } finally {
    forgetWarmUpToken();
  }
}

/** This server's own address, once Next's start-up has set it (`next start` and the standalone server). */
function ownOrigin(): string | undefined {
  if (process.env.__NEXT_PRIVATE_ORIGIN) return process.env.__NEXT_PRIVATE_ORIGIN;
  return process.env.PORT ? `http://127.0.0.1:${process.env.PORT}` : undefined;
}

// Kept on globalThis: instrumentation.ts and the /api/ready route are separate bundles.
const warming = globalThis as typeof globalThis & { __chutesChatWarmUp?: { done: boolean } };

/** "running" from startWarmUp until both its parts have finished; "none" when it never started. */
export function warmUpState(): "none" | "running" | "done" {
  const state = warming.__chutesChatWarmUp;
  return state === undefined ? "none" : state.done ? "done" : "running";
}

/**
 * Starts the warm-up without holding the server back; it never throws. Resolves when it has
 * finished (whatever its outcome).
 */
export function startWarmUp(): Promise<void> {
  let config: AppConfig;
  try {
    config = getConfig();
  } catch {
    return Promise.resolve(); // a broken configuration is the start-up check's to report
  }
  const state = { done: false };
  warming.__chutesChatWarmUp = state;
  const origin = ownOrigin();
  // Production only: in development the request would make Next compile the route at start.
  // Side by side: the route's modules load while the store opens, and its question waits for the store.
  const route = origin && process.env.NODE_ENV === "production" ? warmChatRoute(origin, config) : undefined;
  return Promise.all([warmUp(config), route]).then(() => {
    state.done = true;
  });
}
