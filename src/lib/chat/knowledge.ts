import "server-only";
import type { RagSearchResponse } from "../api/ragSearch.ts";
import type { KnowledgeBaseStatus } from "../api/ragStatus.ts";
import type { Credential } from "../credentials/precedence.ts";
import { log } from "../log.ts";
import { buildSourcesContext, type ContextChunk, citedSourceIds, type PromptSource } from "../rag/context.ts";
import { EmbeddingDimensionError, KbMismatchError } from "../rag/errors.ts";
import { retrieve } from "../rag/retriever.ts";
import { CONTEXT_TOKEN_BUDGET } from "../rag/settings.ts";
import { getKbStore } from "../rag/store.ts";
import { countTokens } from "../rag/tokens.ts";
import type { DegradedReason, RetrievalResult, RetrievedChunk } from "../rag/types.ts";
import type { MessageSource, RetrievalInfo } from "./messages.ts";
import type { RetrievalFallback } from "./retrievalFallback.ts";
import { evidenceOf, type SourceEvidence } from "./sourceEvidence.ts";

// The knowledge-base step of a chat turn and of the search view: the question embedded with the
// winning credential when it is a Chutes one (at most one call, through the route's fetch), a
// failed or impossible embedding reported as a typed fallback to text search, never as no answer.

/** A knowledge-base passage carries why it was chosen; a passage of an attached file says so. */
export type KnowledgeSource = PromptSource & { evidence?: SourceEvidence };

export interface KnowledgeContext {
  prompt: string;
  /**
   * What the prompt costs once joined to the system prompt (the blank line included): counted while
   * it was built, so the answer's metadata need not tokenize it again before the first chunk.
   */
  promptTokens: number;
  sources: KnowledgeSource[];
  retrieval: RetrievalInfo;
}

const NONE: KnowledgeContext = { prompt: "", promptTokens: 0, sources: [], retrieval: { mode: "none" } };

/** The blank line that joins the sources block to the system prompt (see knowledgeTokens). */
const JOIN_TOKENS = countTokens("\n\n");

/** The retriever's reason, in the words of the error table; a refused OAuth token is a session that ended. */
function fallbackFor(reason: DegradedReason, credential: Credential): RetrievalFallback {
  switch (reason) {
    case "payment_required":
    case "rate_limited":
    case "not_embedded":
      return reason;
    case "unavailable":
      return "model_unavailable";
    case "unauthorized":
      return credential.kind === "oauth" ? "session_expired" : "key_rejected";
    case "unreachable":
      return "chutes_unreachable";
    case "no_credential":
      return "no_chutes_credential";
  }
}

function retrievalInfo(result: RetrievalResult, credential: Credential): RetrievalInfo {
  if (!result.degraded) return { mode: result.mode };
  return { mode: result.mode, degradedReason: fallbackFor(result.degraded.reason, credential) };
}

interface SearchOptions {
  signal?: AbortSignal;
  /** The route's fetch: the embedding call refreshes an OAuth token once on 401, like chat. */
  fetch?: typeof fetch;
  k?: number;
}

function search(query: string, credential: Credential, options: SearchOptions): Promise<RetrievalResult> {
  return retrieve({
    query,
    // Query embeddings are Chutes calls: an OpenRouter user has no Chutes credential to pay for one.
    credential: credential.provider === "chutes" ? credential.token : null,
    k: options.k,
    signal: options.signal,
    fetch: options.fetch,
  });
}

function isMismatch(error: unknown): boolean {
  return error instanceof KbMismatchError || error instanceof EmbeddingDimensionError;
}

/** What a `<source id="N" title="…" path="…" from="file">` tag costs, about. */
const SOURCE_TAG_TOKENS = 32;

interface KnowledgeOptions extends SearchOptions {
  /** Passages of documents attached to the conversation, and their tokens: given first, "from your file". */
  files?: { chunks: readonly ContextChunk[]; tokens: number };
}

export async function knowledgeFor(
  question: string,
  credential: Credential,
  options: KnowledgeOptions = {},
): Promise<KnowledgeContext> {
  const files = options.files?.chunks ?? [];
  if (!question.trim() && files.length === 0) return NONE;
  let found: RetrievedChunk[] = [];
  let retrieval: RetrievalInfo = { mode: "none" };
  if (question.trim()) {
    try {
      const result = await search(question, credential, options);
      found = result.chunks;
      retrieval = retrievalInfo(result, credential);
    } catch (error) {
      if (options.signal?.aborted || isMismatch(error)) throw error;
      // The knowledge base could not be read (locked by an ingest run, missing files...): answer
      // without it rather than not at all, and leave a trace for the operator.
      log().error({ err: error instanceof Error ? error.name : "error" }, "chat: knowledge base unavailable");
    }
  }
  if (found.length === 0 && files.length === 0) return { ...NONE, retrieval };
  // The files were cut to their own budget already; the knowledge base keeps its whole budget beside
  // them (plus room for each file passage's tag).
  const fileTokens = (options.files?.tokens ?? 0) + files.length * SOURCE_TAG_TOKENS;
  const context = buildSourcesContext([...files, ...found], { maxTokens: CONTEXT_TOKEN_BUDGET + fileTokens });
  const byId = new Map(found.map((chunk) => [chunk.chunkId, chunk]));
  const sources = context.sources.map((source): KnowledgeSource => {
    const chunk = source.origin === "file" ? undefined : byId.get(source.chunkId);
    return chunk ? { ...source, evidence: evidenceOf(chunk) } : source;
  });
  return {
    prompt: context.prompt,
    promptTokens: context.prompt ? context.tokens + JOIN_TOKENS : 0,
    sources,
    retrieval,
  };
}

export function sourcesMetadata(sources: readonly KnowledgeSource[], answerText?: string): MessageSource[] {
  const cited = new Set(answerText === undefined ? [] : citedSourceIds(answerText, sources));
  return sources.map(({ id, title, source, headingPath, evidence, origin }) => ({
    id,
    title,
    source,
    headingPath,
    cited: cited.has(id),
    ...(evidence ? { evidence } : {}),
    ...(origin ? { origin } : {}),
  }));
}

/** The "Search the knowledge base" view: ranked chunks with their fused scores. */
export async function searchKnowledge(
  query: string,
  credential: Credential,
  options: SearchOptions = {},
): Promise<RagSearchResponse> {
  const result = await search(query, credential, options);
  return {
    results: result.chunks.map((c, i) => ({
      rank: i + 1,
      title: c.title,
      source: c.source,
      headingPath: c.headingPath,
      text: c.text,
      score: c.score,
      evidence: evidenceOf(c),
    })),
    retrieval: retrievalInfo(result, credential),
  };
}

const UNAVAILABLE: KnowledgeBaseStatus = {
  available: false,
  documents: 0,
  chunks: 0,
  embeddedChunks: 0,
  embeddingModel: null,
  dimensions: null,
  lastIngestAt: null,
};

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
    return UNAVAILABLE;
  }
}
