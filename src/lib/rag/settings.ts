// Every tunable of the knowledge base in one place. Pure constants: safe to import anywhere.

/** Target size of one chunk, in tokens (o200k, counted with gpt-tokenizer). */
export const CHUNK_MAX_TOKENS = 400;
/** Tokens repeated from the end of one chunk at the start of the next one in the same section. */
export const CHUNK_OVERLAP_TOKENS = 60;
/**
 * Bumped whenever the chunker's output changes for the same input, so that a re-ingest re-chunks every
 * document (its content hash includes this version and the chunk sizes).
 */
export const CHUNKER_VERSION = 2;

/** File extensions the ingest walks, and the format each one is parsed as. */
export const SUPPORTED_EXTENSIONS = {
  ".md": "markdown",
  ".markdown": "markdown",
  ".mdx": "mdx",
  ".txt": "text",
  ".html": "html",
  ".htm": "html",
} as const;

/** Texts per embeddings request during ingest. */
export const EMBED_BATCH_SIZE = 32;
/** Attempts per embeddings request during ingest (429, 5xx, network errors and timeouts are retried). */
export const EMBED_MAX_ATTEMPTS = 5;
/** First retry delay; doubles per attempt, with jitter, up to EMBED_RETRY_MAX_MS. */
export const EMBED_RETRY_BASE_MS = 500;
export const EMBED_RETRY_MAX_MS = 8000;

/** Reciprocal rank fusion constant: score = sum over lists of 1 / (RRF_K + rank). */
export const RRF_K = 60;
/**
 * Fusion defaults, measured with `npm run bench:retrieval` (bench/RESULTS.md); the settings RAG_TEXT_WEIGHT,
 * RAG_VECTOR_WEIGHT, RAG_MAX_CHUNKS_PER_FILE and RAG_MIN_SCORE (the vector floor) override them.
 */
export const DEFAULT_FUSION = {
  method: "score",
  textWeight: 1,
  vectorWeight: 0.5,
  maxChunksPerFile: 3,
} as const;
export const DEFAULT_MIN_SIMILARITY = 0.2;
/** Each of the two searches fetches max(k * CANDIDATE_MULTIPLIER, MIN_CANDIDATES) candidates. */
export const CANDIDATE_MULTIPLIER = 4;
export const MIN_CANDIDATES = 20;
/** Longest query (in characters) sent to the embeddings endpoint and full-text search. */
export const MAX_QUERY_CHARS = 2000;

/** Default token budget of the sources block put into the system prompt. */
export const CONTEXT_TOKEN_BUDGET = 3000;

/** pgvector's HNSW index supports `vector` columns up to this many dimensions. */
export const HNSW_MAX_DIMENSIONS = 2000;
/** Sub-directory of DATA_DIR holding the embedded PGlite database. */
export const PGLITE_SUBDIR = "kb";

/** BM25 term-frequency saturation and length normalisation (the usual values). */
export const BM25_K1 = 1.2;
export const BM25_B = 0.75;
/** Full-text candidates scored before the duplicate-text penalty picks the final order (× the limit). */
export const TEXT_RERANK_FACTOR = 2;
/**
 * Full text: a question's term held by more than this share of the chunks (and by more than
 * TEXT_COMMON_TERM_MIN_CHUNKS of them) is "common": its postings are read only for the chunks that hold one
 * of the question's rarer terms (the ranking stays exact; bench/retrieval-scale.ts measures the gain).
 */
export const TEXT_COMMON_TERM_SHARE = 0.05;
export const TEXT_COMMON_TERM_MIN_CHUNKS = 1000;
/** Text-search configuration used when none is set (stop words and stemming). */
export const DEFAULT_TEXT_SEARCH_LANGUAGE = "english";
