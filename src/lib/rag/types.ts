// Shapes shared by the retriever (server) and the prompt/citation helpers (pure). Type-only module.

/** Why a retrieval fell back to full-text search. */
export type DegradedReason =
  | "payment_required" // the embedding call got 402 (no balance/quota on the user's account)
  | "rate_limited" // 429
  | "unavailable" // 5xx or another refusal from the embeddings endpoint
  | "unauthorized" // 401/403: the user's credential was refused
  | "unreachable" // network error or timeout
  | "not_embedded" // the knowledge base holds no embeddings (text-only ingest): no call was made
  | "no_credential"; // no Chutes credential to embed the question with (e.g. an OpenRouter user): no call

/** A stored chunk as every search returns it. */
export interface Passage {
  chunkId: number;
  documentId: number;
  title: string;
  /** File path (relative to where the ingest ran) or URL. */
  source: string;
  /** "H1 > H2 > H3"; "" for text before the first heading. */
  headingPath: string;
  text: string;
  /** The text's tokens, as the chunker counted them at ingest (a prompt built from it need not count again). */
  tokenCount?: number;
}

export interface RetrievedChunk extends Passage {
  /** Fused score (RAG_FUSION: by score or by reciprocal rank); only the order is meaningful. */
  score: number;
  /** 1-based rank in the vector search, if it found the chunk. */
  vectorRank?: number;
  /** 1-based rank in the full-text search, if it found the chunk. */
  textRank?: number;
  /** Cosine similarity to the question (vector hits only). */
  similarity?: number;
  /** BM25 score of the full-text search (full-text hits only). */
  textScore?: number;
  /** The question's words this chunk matched in the full-text search, as the user wrote them. */
  matchedTerms?: string[];
}

export interface RetrievalResult {
  chunks: RetrievedChunk[];
  mode: "hybrid" | "text-only";
  degraded?: { reason: DegradedReason; status?: number };
}
