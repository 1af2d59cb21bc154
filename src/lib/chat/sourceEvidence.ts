import { z } from "zod";
import type { RetrievedChunk } from "../rag/types.ts";

// Why a passage was chosen: where it ranked in each search and which of the question's words it
// matched. Travels with each source (answer metadata, the search view) and is shown beside it.

export const sourceEvidenceSchema = z.object({
  /** 1-based rank in the full-text (BM25) search, if it found the passage. */
  textRank: z.number().int().positive().optional(),
  /** 1-based rank in the vector search, if it found the passage. */
  vectorRank: z.number().int().positive().optional(),
  /** The question's words the passage contains, as the user typed them. */
  matchedTerms: z.array(z.string().max(100)).max(50),
});

export type SourceEvidence = z.infer<typeof sourceEvidenceSchema>;

export function evidenceOf(chunk: RetrievedChunk): SourceEvidence {
  return {
    ...(chunk.textRank ? { textRank: chunk.textRank } : {}),
    ...(chunk.vectorRank ? { vectorRank: chunk.vectorRank } : {}),
    matchedTerms: chunk.matchedTerms ?? [],
  };
}

/** "matched “bge-m3”, “model” · #1 by words · #3 by meaning" */
export function describeEvidence(evidence: SourceEvidence): string {
  const parts: string[] = [];
  if (evidence.matchedTerms.length > 0) {
    parts.push(`matched ${evidence.matchedTerms.map((term) => `“${term}”`).join(", ")}`);
  }
  if (evidence.textRank) parts.push(`#${evidence.textRank} by words`);
  if (evidence.vectorRank) parts.push(`#${evidence.vectorRank} by meaning`);
  return parts.join(" · ");
}
