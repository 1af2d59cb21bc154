import "server-only";
import type { Credential } from "../credentialPrecedence.ts";
import { log } from "../log.ts";
import { buildSourcesContext, citedSourceIds, type PromptSource } from "../rag/context.ts";
import { EmbeddingDimensionError, KbMismatchError } from "../rag/errors.ts";
import { retrieve } from "../rag/retriever.ts";
import type { RagSearchResponse } from "../rag/searchResponse.ts";
import { getKbStore } from "../rag/store.ts";
import type { DegradedReason } from "../rag/types.ts";
import type { MessageSource, RetrievalInfo } from "./messages.ts";

// One step of the chat turn: the knowledge-base sources for the user's question, as a block for
// the system prompt and as metadata for the UI. The question is embedded with the winning user
// credential (at most one call); a failed embedding falls back to text search, never to no answer.

export interface KnowledgeContext {
  prompt: string;
  sources: PromptSource[];
  retrieval: RetrievalInfo;
}

export class KnowledgeBaseMismatch extends Error {
  override name = "KnowledgeBaseMismatch";
}

const NONE: KnowledgeContext = { prompt: "", sources: [], retrieval: { mode: "none" } };

// Why the search fell back to text, as an error-table code the UI already knows how to name.
const DEGRADED_CODES: Record<DegradedReason, string> = {
  payment_required: "payment_required",
  rate_limited: "rate_limited",
  unavailable: "model_unavailable",
  unauthorized: "key_rejected",
  unreachable: "chutes_unreachable",
  not_embedded: "not_embedded",
};

export async function knowledgeFor(
  question: string,
  credential: Credential,
  signal?: AbortSignal,
): Promise<KnowledgeContext> {
  if (!question.trim()) return NONE;
  try {
    // Query embeddings are Chutes calls; an OpenRouter user has no Chutes credential to pay for one.
    const result = await retrieve({
      query: question,
      credential: credential.provider === "chutes" ? credential.token : "",
      signal,
    });
    if (result.chunks.length === 0)
      return { ...NONE, retrieval: { mode: result.mode === "hybrid" ? "hybrid" : "text-only" } };
    const context = buildSourcesContext(result.chunks);
    const degraded = result.degraded ? DEGRADED_CODES[result.degraded.reason] : undefined;
    return {
      prompt: context.prompt,
      sources: context.sources,
      retrieval: degraded ? { mode: result.mode, degradedReason: degraded } : { mode: result.mode },
    };
  } catch (error) {
    if (signal?.aborted) throw error;
    if (error instanceof KbMismatchError || error instanceof EmbeddingDimensionError) {
      throw new KnowledgeBaseMismatch(error.message);
    }
    // The knowledge base could not be read (locked by an ingest run, missing files...): answer
    // without it rather than not at all, and leave a trace for the operator.
    log().error({ err: error instanceof Error ? error.name : "error" }, "chat: knowledge base unavailable");
    return NONE;
  }
}

export function sourcesMetadata(sources: readonly PromptSource[], answerText?: string): MessageSource[] {
  const cited = new Set(answerText === undefined ? [] : citedSourceIds(answerText, sources));
  return sources.map(({ id, title, source, headingPath }) => ({
    id,
    title,
    source,
    headingPath,
    cited: cited.has(id),
  }));
}

export type KnowledgeSearchResult = RagSearchResponse;

/** The "Search the knowledge base" view: ranked chunks with their fused scores. */
export async function searchKnowledge(
  query: string,
  credential: Credential,
  k: number | undefined,
  signal?: AbortSignal,
): Promise<KnowledgeSearchResult> {
  try {
    const result = await retrieve({
      query,
      credential: credential.provider === "chutes" ? credential.token : "",
      k,
      signal,
    });
    const degraded = result.degraded ? DEGRADED_CODES[result.degraded.reason] : undefined;
    return {
      results: result.chunks.map((c, i) => ({
        rank: i + 1,
        title: c.title,
        source: c.source,
        headingPath: c.headingPath,
        text: c.text,
        score: c.score,
      })),
      retrieval: degraded ? { mode: result.mode, degradedReason: degraded } : { mode: result.mode },
    };
  } catch (error) {
    if (error instanceof KbMismatchError || error instanceof EmbeddingDimensionError) {
      throw new KnowledgeBaseMismatch(error.message);
    }
    throw error;
  }
}

export interface KnowledgeBaseStatus {
  available: boolean;
  documents: number;
  chunks: number;
  embeddedChunks: number;
  embeddingModel: string | null;
  dimensions: number | null;
  /** When a document was last added or changed by an ingest run. */
  lastIngestAt: string | null;
}

export async function knowledgeBaseStatus(): Promise<KnowledgeBaseStatus> {
  try {
    const store = getKbStore();
    const [status, stats, documents] = await Promise.all([
      store.status(),
      store.stats(),
      store.listDocuments(),
    ]);
    const last = documents.reduce<Date | null>(
      (latest, d) => (!latest || d.updatedAt > latest ? d.updatedAt : latest),
      null,
    );
    return {
      available: true,
      documents: stats.documents,
      chunks: stats.chunks,
      embeddedChunks: stats.embeddedChunks,
      embeddingModel: status.meta?.model ?? null,
      dimensions: status.meta?.dimensions ?? null,
      lastIngestAt: last?.toISOString() ?? null,
    };
  } catch (error) {
    log().error({ err: error instanceof Error ? error.name : "error" }, "rag: status unavailable");
    return {
      available: false,
      documents: 0,
      chunks: 0,
      embeddedChunks: 0,
      embeddingModel: null,
      dimensions: null,
      lastIngestAt: null,
    };
  }
}
