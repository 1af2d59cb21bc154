import type { ModelListResponse } from "@/src/lib/api/models.ts";
import "fake-indexeddb/auto";
import type { UIMessageChunk } from "ai";
import { createUIMessageStreamResponse } from "ai";
import { IDBFactory } from "fake-indexeddb";
import { HttpResponse, http } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll } from "vitest";
import type { MessageMetadata } from "@/src/lib/chat/messages.ts";
import { API_KEY_STORAGE_KEY, type KeyAccount } from "@/src/lib/chutesAuth.ts";

// Shared by the component tests: a key that passes the format check, MSW with a request log,
// and UI message streams shaped like the ones /api/chat sends.

export const VALID_KEY = `cpk_${"a1".repeat(16)}.${"b2".repeat(16)}.${"Zz9".repeat(10)}Q1`;

export const ADMIN_ACCOUNT: KeyAccount = { scope: "admin", username: "alice", balance: 12.5 };
export const SCOPED_ACCOUNT: KeyAccount = { scope: "scoped", username: null, balance: null };

/** What useConnection reads: a key saved by an earlier visit. */
export function storeKey(account: KeyAccount = ADMIN_ACCOUNT, key: string = VALID_KEY): void {
  localStorage.setItem(
    API_KEY_STORAGE_KEY,
    JSON.stringify({ key, account, savedAt: new Date().toISOString() }),
  );
}

/** A fresh IndexedDB and session storage, as in a new browser profile (call in beforeEach). */
export function freshBrowserStorage(): void {
  globalThis.indexedDB = new IDBFactory();
  sessionStorage.clear();
}

export function errorBody(code: string, message: string) {
  return { error: { code, message } };
}

export const MODELS_BODY: ModelListResponse = {
  models: [
    {
      id: "deepseek-ai/DeepSeek-V3.2-TEE",
      contextLength: 163840,
      maxOutputTokens: 65536,
      pricing: { input: 0.25, output: 0.38, cacheRead: 0.125 },
      confidential: true,
      inputModalities: ["text"],
      features: ["tools", "reasoning"],
      samplingParameters: ["temperature", "top_p", "max_tokens"],
    },
    {
      id: "Qwen/Qwen3-32B",
      contextLength: 40960,
      maxOutputTokens: 40960,
      pricing: { input: 0.05, output: 0.2, cacheRead: null },
      confidential: false,
      inputModalities: ["text"],
      features: [],
      samplingParameters: null,
    },
  ],
  defaultModel: "deepseek-ai/DeepSeek-V3.2-TEE",
};

/** An MSW server that records every request it sees (to prove that some never happen). */
export function createTestServer() {
  const server = setupServer(
    http.get("*/api/models", () => HttpResponse.json(MODELS_BODY)),
    // Not every deployment has the knowledge-base status route; settings must cope with a 404.
    http.get("*/api/rag/status", () =>
      HttpResponse.json(errorBody("invalid_request", "Not found"), { status: 404 }),
    ),
  );
  const requests: Request[] = [];
  server.events.on("request:start", ({ request }) => {
    requests.push(request);
  });
  return { server, requests };
}

/**
 * createTestServer() for the whole test file: listening (a request nothing handles fails the test),
 * with its handlers and request log reset after each test.
 */
export function setupTestServer() {
  const mock = createTestServer();
  beforeAll(() => mock.server.listen({ onUnhandledFrame: "error" }));
  afterEach(() => {
    mock.server.resetHandlers();
    mock.requests.length = 0;
  });
  afterAll(() => mock.server.close());
  return mock;
}

function answerChunks(text: string): UIMessageChunk[] {
  return [
    { type: "start", messageMetadata: { model: "deepseek-ai/DeepSeek-V3.2-TEE" } },
    { type: "text-start", id: "t1" },
    ...text.split(/(?<= )/).map((delta): UIMessageChunk => ({ type: "text-delta", id: "t1", delta })),
  ];
}

function streamOf(chunks: UIMessageChunk[]): Response {
  return createUIMessageStreamResponse({
    stream: new ReadableStream<UIMessageChunk>({
      start(controller) {
        for (const chunk of chunks) controller.enqueue(chunk);
        controller.close();
      },
    }),
  });
}

/** A finished answer, streamed as the route would. */
export function answerResponse(text: string): Response {
  return streamOf([...answerChunks(text), { type: "text-end", id: "t1" }, { type: "finish" }]);
}

/** A finished answer whose start and finish carry metadata (model, usage, sources), as the route sends. */
export function answerWithMetadata(
  text: string,
  metadata: { start?: MessageMetadata; finish?: MessageMetadata },
): Response {
  return streamOf([
    { type: "start", messageMetadata: { model: MODELS_BODY.defaultModel, ...metadata.start } },
    { type: "text-start", id: "t1" },
    ...text.split(/(?<= )/).map((delta): UIMessageChunk => ({ type: "text-delta", id: "t1", delta })),
    { type: "text-end", id: "t1" },
    { type: "finish", messageMetadata: { model: MODELS_BODY.defaultModel, ...metadata.finish } },
  ]);
}

/** Part of an answer, then the error part the route writes when Chutes breaks off. */
export function brokenAnswerResponse(partial: string, code: string, message: string): Response {
  return streamOf([
    ...answerChunks(partial),
    { type: "error", errorText: JSON.stringify(errorBody(code, message)) },
  ]);
}

/** A stream the test writes to chunk by chunk, to observe the UI mid-answer. */
export function controlledAnswer() {
  let controller!: ReadableStreamDefaultController<UIMessageChunk>;
  const stream = new ReadableStream<UIMessageChunk>({
    start(c) {
      controller = c;
    },
  });
  return {
    response: () => createUIMessageStreamResponse({ stream }),
    write: (chunk: UIMessageChunk) => controller.enqueue(chunk),
    close: () => controller.close(),
  };
}

export function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}
