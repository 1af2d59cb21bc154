import { z } from "zod";
import { type ErrorCode, errorTable } from "../errors.ts";

// Why a knowledge-base search fell back to text only: error-table codes for a failed query
// embedding, plus the two cases where no call was made. Set once, where the chat turn maps the
// retriever's outcome; named here for the answer's note and the search view alike.

const FAILED_EMBEDDING = [
  "payment_required",
  "rate_limited",
  "model_unavailable",
  "key_rejected",
  "session_expired",
  "chutes_unreachable",
  "upstream_error",
] as const satisfies readonly ErrorCode[];

export const RETRIEVAL_FALLBACKS = [...FAILED_EMBEDDING, "not_embedded", "no_chutes_credential"] as const;

export const retrievalFallbackSchema = z.enum(RETRIEVAL_FALLBACKS);

export type RetrievalFallback = z.infer<typeof retrievalFallbackSchema>;

const SHORT: Partial<Record<RetrievalFallback, string>> = {
  payment_required: "out of balance",
  rate_limited: "busy",
  model_unavailable: "embedding model unavailable",
  chutes_unreachable: "could not reach Chutes",
};

/** The note under an answer or a search: how the knowledge base was searched, and why. */
export function retrievalFallbackText(reason: RetrievalFallback | undefined): string {
  switch (reason) {
    case undefined:
      return "Knowledge base searched by text only";
    case "no_chutes_credential":
      return "Knowledge base searched by text (embeddings need a Chutes credential)";
    case "not_embedded":
      return "Knowledge base searched by text (it holds no embeddings yet)";
    default:
      return `Knowledge base searched by text only (${SHORT[reason] ?? errorTable[reason].title.toLowerCase()})`;
  }
}
