import { z } from "zod";
import type { IngestSummary } from "../rag/ingest.ts";

// The hand-off route's wire shapes: the CLI's request, and the NDJSON lines the app streams back.

export const handoffRequestSchema = z.strictObject({
  /** Absolute paths on this machine (the route serves loopback only). */
  paths: z.array(z.string().min(1).max(4096)).min(1).max(1000),
  prune: z.boolean(),
  reset: z.boolean(),
  textOnly: z.boolean(),
  /** Sources are stored relative to the CLI's working directory, as a local run would. */
  baseDir: z.string().min(1).max(4096),
  /** The operator's CHUTES_API_KEY as the CLI has it; used for this run only, never stored. */
  apiKey: z.string().max(500).optional(),
});
export type HandoffRequest = z.infer<typeof handoffRequestSchema>;

const progressSchema = z.object({
  documentsDone: z.number(),
  documentsTotal: z.number(),
  chunksWritten: z.number(),
  embeddingCalls: z.number(),
  elapsedMs: z.number(),
  etaMs: z.number(),
  source: z.string().optional(),
});

// The ingest summary as it travels; `satisfies` keeps it in step with the ingest's own type.
const summarySchema = z.object({
  documents: z.object({
    seen: z.number(),
    added: z.number(),
    changed: z.number(),
    unchanged: z.number(),
    removed: z.number(),
    failed: z.number(),
    missing: z.number(),
  }),
  chunks: z.object({
    written: z.number(),
    embedded: z.number(),
    embeddedTexts: z.number(),
    reused: z.number(),
    withoutEmbedding: z.number(),
  }),
  embeddingCalls: z.number(),
  textOnly: z.boolean(),
  failures: z.array(z.object({ source: z.string(), message: z.string() })),
  durationMs: z.number(),
}) satisfies z.ZodType<IngestSummary>;

export const handoffLineSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("progress"), progress: progressSchema }),
  z.object({ type: z.literal("warning"), message: z.string() }),
  z.object({ type: z.literal("done"), summary: summarySchema }),
  z.object({ type: z.literal("failed"), message: z.string(), summary: summarySchema.optional() }),
]);
export type HandoffLine = z.infer<typeof handoffLineSchema>;
