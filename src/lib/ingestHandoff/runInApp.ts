import "server-only";
import type { AppConfig } from "../config.ts";
import { createEmbeddingsClient, withRetry } from "../rag/embeddings.ts";
import { type DocumentEmbedder, IngestError, ingest } from "../rag/ingest.ts";
import { getKbStore } from "../rag/store.ts";
import { redactSecrets } from "../upstream/redact.ts";
import type { HandoffLine, HandoffRequest } from "./protocol.ts";

// Runs a handed-off ingest on the app's own store (the one that answers users), so the knowledge
// base stays up: each document is one transaction, and questions are answered between them.

let running = false;

export function isIngestRunning(): boolean {
  return running;
}

export function ingestInApp(request: HandoffRequest, config: AppConfig): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const apiKey = request.textOnly ? undefined : (request.apiKey ?? config.CHUTES_API_KEY);
  const clean = (text: string) => redactSecrets(text, [apiKey]);
  let embed: DocumentEmbedder | null = null;
  if (apiKey) {
    const client = createEmbeddingsClient({
      baseUrl: config.CHUTES_EMBEDDINGS_URL,
      model: config.CHUTES_EMBEDDING_MODEL,
      timeoutMs: Math.max(config.CHUTES_REQUEST_TIMEOUT_MS, 60_000),
    });
    embed = (texts) => withRetry(() => client.embed(texts, apiKey));
  }
  const abort = new AbortController();
  running = true;
  return new ReadableStream<Uint8Array>({
    async start(controller) {
      const send = (line: HandoffLine) => {
        try {
          controller.enqueue(encoder.encode(`${JSON.stringify(line)}\n`));
        } catch {
          // The CLI went away; the run goes on to the end of the current document.
        }
      };
      try {
        const summary = await ingest({
          paths: request.paths,
          store: getKbStore(config),
          embed,
          prune: request.prune,
          reset: request.reset,
          baseDir: request.baseDir,
          onProgress: (progress) => send({ type: "progress", progress }),
          onWarning: (message) => send({ type: "warning", message: clean(message) }),
          signal: abort.signal,
        });
        send({ type: "done", summary });
      } catch (error) {
        const message = clean(error instanceof Error ? error.message : String(error));
        send({
          type: "failed",
          message,
          ...(error instanceof IngestError ? { summary: error.summary } : {}),
        });
      } finally {
        running = false;
        try {
          controller.close();
        } catch {
          // already closed by a cancel
        }
      }
    },
    cancel() {
      // Ctrl-C in the CLI closes the connection: stop after the current document, as locally.
      abort.abort(new Error("interrupted"));
    },
  });
}
