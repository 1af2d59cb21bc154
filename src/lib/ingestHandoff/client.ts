import "server-only";
import { resolve } from "node:path";
import type { AppConfig } from "../config.ts";
import type { IngestProgress, IngestSummary } from "../rag/ingest.ts";
import { readHandoff } from "./handoffFile.ts";
import { type HandoffRequest, handoffLineSchema } from "./protocol.ts";

// The CLI's side: when a running app holds the embedded store, send it the job instead of opening
// the store a second time, and relay its progress as if the run were local.

export interface HandoffJob {
  paths: string[];
  prune: boolean;
  reset: boolean;
  textOnly: boolean;
  onProgress: (progress: IngestProgress) => void;
  onWarning: (message: string) => void;
  signal: AbortSignal;
}

export class HandoffFailed extends Error {
  override name = "HandoffFailed";
  readonly summary: IngestSummary | undefined;
  constructor(message: string, summary?: IngestSummary) {
    super(message);
    this.summary = summary;
  }
}

/** The summary of the app's run, or null when no running app holds the store (ingest locally). */
export async function handOffIngest(job: HandoffJob, config: AppConfig): Promise<IngestSummary | null> {
  if (config.DATABASE_URL) return null; // a server database takes both processes at once
  const handoff = readHandoff(config.DATA_DIR);
  if (!handoff) return null;
  const request: HandoffRequest = {
    paths: job.paths.map((p) => resolve(p)),
    prune: job.prune,
    reset: job.reset,
    textOnly: job.textOnly,
    baseDir: process.cwd(),
    ...(config.CHUTES_API_KEY && !job.textOnly ? { apiKey: config.CHUTES_API_KEY } : {}),
  };
  let response: Response;
  try {
    response = await fetch(`http://127.0.0.1:${handoff.port}/api/admin/ingest`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${handoff.token}` },
      body: JSON.stringify(request),
      signal: job.signal,
    });
  } catch (error) {
    if (job.signal.aborted) throw error;
    return null; // a file left by an app that is gone: the store is free
  }
  if (response.status === 404) return null; // another app on that port, or a stale token
  if (!response.ok || !response.body) {
    const text = await response.text().catch(() => "");
    throw new HandoffFailed(`The running app refused the ingest (${response.status}): ${text.slice(0, 300)}`);
  }
  job.onWarning(
    `The app (pid ${handoff.pid}) holds the knowledge base: it runs this ingest and keeps answering.`,
  );
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = "";
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    buffered += value;
    let newline = buffered.indexOf("\n");
    while (newline >= 0) {
      const line = handoffLineSchema.parse(JSON.parse(buffered.slice(0, newline)));
      buffered = buffered.slice(newline + 1);
      newline = buffered.indexOf("\n");
      if (line.type === "progress") job.onProgress(line.progress);
      else if (line.type === "warning") job.onWarning(line.message);
      else if (line.type === "done") return line.summary;
      else throw new HandoffFailed(line.message, line.summary);
    }
  }
  throw new HandoffFailed("The app stopped answering before the ingest finished.");
}
