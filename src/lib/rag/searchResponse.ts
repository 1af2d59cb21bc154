import { z } from "zod";
import { retrievalInfoSchema } from "../chat/messages.ts";

// What POST /api/rag/search answers: shared by the route and the "Search the knowledge base" view.
export const ragSearchResponseSchema = z.object({
  results: z.array(
    z.object({
      rank: z.number().int().positive(),
      title: z.string(),
      source: z.string(),
      headingPath: z.string(),
      text: z.string(),
      /** Reciprocal-rank-fusion score: only the order is meaningful. */
      score: z.number(),
    }),
  ),
  retrieval: retrievalInfoSchema,
});

export type RagSearchResponse = z.infer<typeof ragSearchResponseSchema>;
