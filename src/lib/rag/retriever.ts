import "server-only";
import { type AppConfig, getConfig } from "../config.ts";
import { trackSent } from "../upstream/requestSent.ts";
import {
  createEmbeddingsClient,
  EmbeddingError,
  type EmbeddingFailureReason,
  type EmbedFn,
} from "./embeddings.ts";
import { EmbeddingDimensionError } from "./errors.ts";
import { CANDIDATE_MULTIPLIER, DEFAULT_FUSION, MAX_QUERY_CHARS, MIN_CANDIDATES, RRF_K } from "./settings.ts";
import {
  assertSameIdentity,
  getKbStore,
  type KbDriver,
  type KbStatus,
  type KbStore,
  kbWriteGeneration,
  type SearchHit,
} from "./store.ts";
import type { DegradedReason, RetrievalResult, RetrievedChunk } from "./types.ts";

export type { DegradedReason, RetrievalResult, RetrievedChunk } from "./types.ts";

// Hybrid retrieval for one user question: a vector search (the question embedded with the USER's
// credential, one call at most) and a BM25 full-text search, fused by weighted reciprocal rank fusion with
// ties broken by the underlying scores, at most `maxChunksPerFile` chunks from one file. If the embedding
// call fails (or there is no Chutes credential), the full-text results are returned on their own and the
// reason is reported, so a user with an empty balance still gets an answer grounded in the documents.

export interface RetrieveOptions {
  query: string;
  /**
   * The signed-in user's Chutes credential (API key or OAuth access token), used as the bearer token of
   * the query embedding. Never the operator's CHUTES_API_KEY. null = the user has no Chutes credential
   * (e.g. answers come from OpenRouter): full-text only, `degraded.reason` "no_credential", no call made.
   */
  credential: string | null;
  /** Fetch for the embedding call (the route's, which refreshes an OAuth token once on a 401). */
  fetch?: typeof fetch;
  /** Chunks to return (default RAG_TOP_K). */
  k?: number;
  /** Minimum cosine similarity (0..1) for a vector match to count (default RAG_MIN_SCORE). */
  minScore?: number;
  signal?: AbortSignal;
}

/** How the two ranked lists are combined (RAG_TEXT_WEIGHT, RAG_VECTOR_WEIGHT, RAG_MAX_CHUNKS_PER_FILE). */
export interface FusionOptions {
  textWeight: number;
  vectorWeight: number;
  /** At most this many chunks of one file among the results (0 = no limit). */
  maxChunksPerFile: number;
  /**
   * "score" (default): weighted sum of each list's score over that list's best score, so a large BM25 lead
   * is not flattened to one rank; "rank": weighted reciprocal rank fusion, weight / (60 + rank).
   */
  method?: "rank" | "score";
}

export interface RetrieverDeps {
  store: KbStore;
  /** Embeds texts with a bearer credential (the embeddings client's `embed`). */
  embed: EmbedFn;
  topK: number;
  minScore: number;
  fusion?: FusionOptions;
  /**
   * How long the knowledge base's status (identity, has chunks, has embeddings) may be reused between
   * questions (default 0: read it for each). A write from this process makes it stale at once.
   */
  statusCacheMs?: number;
}

export type Retriever = (options: RetrieveOptions) => Promise<RetrievalResult>;

export function createRetriever(deps: RetrieverDeps): Retriever {
  const fusion: FusionOptions = deps.fusion ?? DEFAULT_FUSION;
  const cacheMs = deps.statusCacheMs ?? 0;
  let cached: { status: KbStatus; at: number; generation: number } | undefined;
  const readStatus = async (): Promise<KbStatus> => {
    const generation = kbWriteGeneration();
    if (cached && cached.generation === generation && performance.now() - cached.at < cacheMs)
      return cached.status;
    const at = performance.now();
    const status = await deps.store.status();
    // A write that ended meanwhile may not be in this answer: keep it for this question only.
    cached = cacheMs > 0 && kbWriteGeneration() === generation ? { status, at, generation } : undefined;
    return status;
  };
  return async ({ query, credential, k, minScore, signal, fetch }) => {
    const limit = clampInt(k ?? deps.topK, 1, 50);
    const floor = minScore ?? deps.minScore;
    const question = query.trim().slice(0, MAX_QUERY_CHARS);
    const { store } = deps;

    const status = await readStatus();
    assertSameIdentity(status.meta, store.embedding);
    if (question === "" || !status.hasChunks) return { chunks: [], mode: "hybrid" };

    const candidates = Math.max(limit * CANDIDATE_MULTIPLIER, MIN_CANDIDATES);
    const embeddingCall =
      status.hasEmbeddings && credential !== null && credential.trim() !== ""
        ? trackSent(() => deps.embed([question], credential, { signal, fetch }))
        : undefined;
    const embedding = embeddingCall?.result;
    embedding?.catch(() => {}); // awaited below, after the text search may have failed first
    // The full-text search runs while the question is being embedded, once the embedding request has
    // left: an embedded (PGlite) query holds the event loop while it runs, and fetch writes a request
    // some turns of the loop after the call (after a new connection's handshake, even). Started any
    // earlier, the search delayed the embedding call by its own length.
    const textSearch = (embeddingCall?.sent ?? Promise.resolve()).then(() =>
      store.searchText(question, candidates),
    );
    textSearch.catch(() => {}); // awaited below; avoid an unhandled rejection while we wait on the embedding

    const textOnly = async (reason: DegradedReason, httpStatus?: number): Promise<RetrievalResult> => ({
      chunks: fuse([], await textSearch, limit, fusion),
      mode: "text-only",
      degraded: httpStatus === undefined ? { reason } : { reason, status: httpStatus },
    });

    if (!status.hasEmbeddings) return textOnly("not_embedded");
    if (!embedding) return textOnly("no_credential");

    let vector: number[] | undefined;
    try {
      [vector] = await embedding;
    } catch (error) {
      if (signal?.aborted) throw error;
      if (!(error instanceof EmbeddingError)) throw error;
      return textOnly(degradedReason(error.reason), error.status);
    }
    if (!vector) return textOnly("unavailable");
    if (vector.length !== store.embedding.dimensions) {
      throw new EmbeddingDimensionError(store.embedding.dimensions, vector.length, store.embedding.model);
    }

    const vectorHits = (await store.searchVector(vector, candidates)).filter((hit) => hit.score >= floor);
    return { chunks: fuse(vectorHits, await textSearch, limit, fusion), mode: "hybrid" };
  };
}

function degradedReason(reason: EmbeddingFailureReason): DegradedReason {
  switch (reason) {
    case "payment_required":
    case "rate_limited":
    case "unauthorized":
    case "unreachable":
    case "unavailable":
      return reason;
    default:
      return "unavailable";
  }
}

/**
 * Fuses the two rankings: by score (default), score(chunk) = sum over the lists that contain it of
 * weight × score / best score of that list; by rank, the sum of weight / (rrfK + rank), 1-based ranks. Equal scores (each list's top hit scores the same when the
 * weights are equal) are ordered by the evidence behind them: how far the chunk's BM25 score or cosine
 * similarity stands above its list's mean; the chunk id decides only when that is equal too. Then at most `maxChunksPerFile` chunks of one file are kept.
 */
export function fuse(
  vectorHits: SearchHit[],
  textHits: SearchHit[],
  limit: number,
  options: FusionOptions = DEFAULT_FUSION,
  rrfK = RRF_K,
): RetrievedChunk[] {
  const fused = new Map<number, RetrievedChunk>();
  // Score fusion scales each list by its best score, so the lists' units (BM25, cosine) don't matter.
  const best = {
    text: Math.max(0, ...textHits.map((h) => h.score)) || 1,
    vector: Math.max(0, ...vectorHits.map((h) => h.score)) || 1,
  };
  const add = (hits: SearchHit[], kind: "vector" | "text") => {
    const weight = kind === "vector" ? options.vectorWeight : options.textWeight;
    for (const [i, hit] of hits.entries()) {
      const rank = i + 1;
      let chunk = fused.get(hit.chunkId);
      if (!chunk) {
        chunk = {
          chunkId: hit.chunkId,
          documentId: hit.documentId,
          title: hit.title,
          source: hit.source,
          headingPath: hit.headingPath,
          text: hit.text,
          ...(hit.tokenCount === undefined ? {} : { tokenCount: hit.tokenCount }),
          score: 0,
        };
        fused.set(hit.chunkId, chunk);
      }
      if (kind === "vector") {
        if (chunk.vectorRank !== undefined) continue;
        chunk.vectorRank = rank;
        chunk.similarity = hit.score;
      } else {
        if (chunk.textRank !== undefined) continue;
        chunk.textRank = rank;
        chunk.textScore = hit.score;
        if (hit.matchedTerms) chunk.matchedTerms = hit.matchedTerms;
      }
      chunk.score += options.method === "score" ? (weight * hit.score) / best[kind] : weight / (rrfK + rank);
    }
  };
  add(vectorHits, "vector");
  add(textHits, "text");
  // How far a hit stands out from its own list (score over the list's mean): comparable across lists.
  const mean = (hits: SearchHit[]) => hits.reduce((sum, h) => sum + h.score, 0) / (hits.length || 1) || 1;
  const meanText = mean(textHits);
  const meanSimilarity = mean(vectorHits);
  const evidence = (c: RetrievedChunk) =>
    Math.max((c.textScore ?? 0) / meanText, (c.similarity ?? 0) / meanSimilarity);
  const ordered = [...fused.values()].sort(
    (a, b) => b.score - a.score || evidence(b) - evidence(a) || a.chunkId - b.chunkId,
  );
  const perFile = new Map<string, number>();
  const kept: RetrievedChunk[] = [];
  for (const chunk of ordered) {
    if (kept.length === limit) break;
    const count = perFile.get(chunk.source) ?? 0;
    if (options.maxChunksPerFile > 0 && count >= options.maxChunksPerFile) continue;
    perFile.set(chunk.source, count + 1);
    kept.push(chunk);
  }
  return kept;
}

function clampInt(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, Math.round(Number.isFinite(value) ? value : min)));
}

// ---------------------------------------------------------------------------------------------------------
// The application's retriever, from configuration

export function retrieverDepsFromConfig(config: AppConfig): RetrieverDeps {
  const client = createEmbeddingsClient({
    baseUrl: config.CHUTES_EMBEDDINGS_URL,
    model: config.CHUTES_EMBEDDING_MODEL,
    timeoutMs: config.CHUTES_REQUEST_TIMEOUT_MS,
  });
  const store = getKbStore(config);
  return {
    store,
    statusCacheMs: statusCacheMsFor(store.driver),
    embed: client.embed,
    topK: config.RAG_TOP_K,
    minScore: config.RAG_MIN_SCORE,
    fusion: {
      textWeight: config.RAG_TEXT_WEIGHT,
      vectorWeight: config.RAG_VECTOR_WEIGHT,
      maxChunksPerFile: config.RAG_MAX_CHUNKS_PER_FILE,
      method: config.RAG_FUSION,
    },
  };
}

/** How stale a server database's status may be for a question (an ingest elsewhere shows up after this). */
const POSTGRES_STATUS_CACHE_MS = 2000;

/**
 * How long the application reuses a store's status. Embedded PGlite: only this process can write to it
 * while it is open (`npm run ingest` hands its work to the running app), so the status changes only with
 * a write counted here. A server database can be written by another process (the CLI, another
 * instance): re-read it often.
 */
export function statusCacheMsFor(driver: KbDriver): number {
  return driver === "postgres" ? POSTGRES_STATUS_CACHE_MS : Number.POSITIVE_INFINITY;
}

let configured: { config: AppConfig; retriever: Retriever } | undefined;

/**
 * Retrieves the chunks most relevant to `query` from the configured knowledge base.
 *
 * - Makes at most ONE embedding call, authorised with `credential` (the user's), and none when the
 *   knowledge base is empty, was ingested without embeddings, or `credential` is null.
 * - On an embedding failure (402, 429, 5xx, 401, network, timeout) returns full-text results with
 *   `mode: "text-only"` and `degraded: { reason, status }`.
 * - Throws KbMismatchError / EmbeddingDimensionError when the knowledge base was built for another
 *   embedding model or dimension.
 */
export function retrieve(options: RetrieveOptions): Promise<RetrievalResult> {
  const config = getConfig();
  if (configured?.config !== config)
    configured = { config, retriever: createRetriever(retrieverDepsFromConfig(config)) };
  return configured.retriever(options);
}
