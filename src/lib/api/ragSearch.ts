import { z } from "zod";
import { retrievalInfoSchema } from "../chat/messages.ts";
import { sourceEvidenceSchema } from "../chat/sourceEvidence.ts";

// POST /api/rag/search: shared by the route and the "Search the knowledge base" view.

export const RAG_SEARCH_ROUTE = "/api/rag/search";

export const RAG_SEARCH_MAX_BODY_BYTES = 16 * 1024;

export const ragSearchRequestSchema = z.strictObject({
  query: z.string().trim().min(1, "type something to search for").max(2000),
  k: z.number().int().min(1).max(50).optional(),
});

export type RagSearchRequest = z.infer<typeof ragSearchRequestSchema>;

export const ragSearchResponseSchema = z.object({
  results: z.array(
    z.object({
      rank: z.number().int().positive(),
      title: z.string(),
      source: z.string(),
      headingPath: z.string(),
      text: z.string(),
      /** Fused score: only the order is meaningful. */
      score: z.number(),
      evidence: sourceEvidenceSchema,
    }),
  ),
  retrieval: retrievalInfoSchema,
});

export type RagSearchResponse = z.infer<typeof ragSearchResponseSchema>;
