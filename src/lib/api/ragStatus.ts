import { z } from "zod";

// GET /api/rag/status: what the server's knowledge base holds, for the settings panel.

export const knowledgeBaseStatusSchema = z.object({
  available: z.boolean(),
  documents: z.number().int().nonnegative(),
  chunks: z.number().int().nonnegative(),
  embeddedChunks: z.number().int().nonnegative(),
  embeddingModel: z.string().nullable(),
  dimensions: z.number().int().positive().nullable(),
  /** When a document was last added or changed by an ingest run (ISO 8601). */
  lastIngestAt: z.string().nullable(),
});

export type KnowledgeBaseStatus = z.infer<typeof knowledgeBaseStatusSchema>;

export const RAG_STATUS_ROUTE = "/api/rag/status";
