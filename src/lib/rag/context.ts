// Retrieved chunks → the sources block of the system prompt, the matching `sources` list for the UI, and
// the parsing of which sources an answer cites. Pure: no I/O, safe on the client too.
//
// Ids are 1..n in rank order and each id maps to exactly one chunk, so "[2]" in an answer can always be
// resolved to the passage that was shown to the model as source 2.

import { CONTEXT_TOKEN_BUDGET } from "./settings.ts";
import { countTokens } from "./tokens.ts";
import type { RetrievedChunk } from "./types.ts";

export type ContextChunk = Pick<
  RetrievedChunk,
  "chunkId" | "title" | "source" | "headingPath" | "text" | "tokenCount"
> & {
  /** A passage of a file the user attached, not of the knowledge base. */
  origin?: "file";
};

export interface PromptSource {
  /** The number the model cites, e.g. 2 for "[2]". */
  id: number;
  chunkId: number;
  title: string;
  source: string;
  headingPath: string;
  /** "file": a passage of a document the user attached (see ContextChunk). */
  origin?: "file";
}

export interface SourcesContext {
  /** The block to append to the system prompt; "" when there are no sources. */
  prompt: string;
  /** sources[i].id === i + 1. */
  sources: PromptSource[];
  /** Lowest-ranked chunks left out because they did not fit the token budget. */
  dropped: number;
  /** What the prompt costs, as counted against the budget (its parts counted apart); 0 without one. */
  tokens: number;
}

export interface SourcesContextOptions {
  /** Token budget for the whole block, instructions included (default CONTEXT_TOKEN_BUDGET). */
  maxTokens?: number;
}

const CITATION_RULES =
  "Use them when they help answer the question. Cite each source you use by its id in square brackets " +
  "right after the statement it supports, for example [1] or [1][3]. Cite only the ids listed below and " +
  "never invent sources. If the sources do not contain the answer, say so rather than guessing.";

export const CITATION_INSTRUCTIONS = `The <source> elements below are excerpts from the knowledge base, most relevant first. ${CITATION_RULES}`;

const FILE_CITATION_INSTRUCTIONS =
  "The <source> elements below are excerpts from files the user attached to this conversation (marked " +
  `from="file", in the file's order), then from the knowledge base, most relevant first. ${CITATION_RULES}`;

/**
 * Builds the sources block: `<source id="N" title="..." path="...">text</source>` per chunk, ids 1..n in
 * the given (rank) order. Chunks are added in order while they fit `maxTokens`; the first one that does not
 * fit and every lower-ranked one after it are dropped, so a kept chunk never outranks a dropped one.
 */
export function buildSourcesContext(
  chunks: readonly ContextChunk[],
  options: SourcesContextOptions = {},
): SourcesContext {
  const maxTokens = options.maxTokens ?? CONTEXT_TOKEN_BUDGET;
  const withFiles = chunks.some((chunk) => chunk.origin === "file");
  const head = `${withFiles ? FILE_CITATION_INSTRUCTIONS : CITATION_INSTRUCTIONS}\n\n<sources>\n`;
  const tail = "</sources>";
  let used = countTokens(head) + countTokens(tail);
  const blocks: string[] = [];
  const sources: PromptSource[] = [];
  for (const chunk of chunks) {
    const id = sources.length + 1;
    const block = renderSource(id, chunk);
    const tokens = blockTokens(block, chunk);
    if (used + tokens > maxTokens) break;
    used += tokens;
    blocks.push(block);
    sources.push({
      id,
      chunkId: chunk.chunkId,
      title: chunk.title,
      source: chunk.source,
      headingPath: chunk.headingPath,
      ...(chunk.origin ? { origin: chunk.origin } : {}),
    });
  }
  const dropped = chunks.length - sources.length;
  if (sources.length === 0) return { prompt: "", sources, dropped, tokens: 0 };
  return { prompt: `${head}${blocks.join("")}${tail}`, sources, dropped, tokens: used };
}

const CLOSING_TAG = "\n</source>\n";
const CLOSING_TAG_TOKENS = countTokens(CLOSING_TAG);

/**
 * What a source's block costs. The chunker counted each chunk's text (at ingest, or when a file was
 * attached): only the tag is counted here, as tokenizing the retrieved text again was ~1.3 ms of every
 * chat with a knowledge base. Counted apart, the parts come within about a token per source of the
 * whole (the 3,000-token budget has room for that). A text whose tags were escaped, or one without a
 * count, is counted whole.
 */
function blockTokens(block: string, chunk: ContextChunk): number {
  const body = `${chunk.text}${CLOSING_TAG}`;
  if (chunk.tokenCount === undefined || !block.endsWith(body)) return countTokens(block);
  return countTokens(block.slice(0, -body.length)) + chunk.tokenCount + CLOSING_TAG_TOKENS;
}

function renderSource(id: number, chunk: ContextChunk): string {
  const from = chunk.origin === "file" ? ' from="file"' : "";
  return `<source id="${id}" title="${escapeAttribute(chunk.title)}" path="${escapeAttribute(chunk.source)}"${from}>\n${neutralizeTags(chunk.text)}${CLOSING_TAG}`;
}

function escapeAttribute(value: string): string {
  return value
    .replace(/&/g, "&amp;")
    .replace(/"/g, "&quot;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/\s+/g, " ");
}

/** A document cannot open or close a <source>/<sources> element of its own: "<" of those tags is escaped. */
function neutralizeTags(text: string): string {
  return text.replace(/<(\/?\s*sources?\b)/gi, "&lt;$1");
}

/**
 * The ids an answer actually cites, ascending and without duplicates: "[2]", "[1, 3]", "[1][3]", "[1; 3]".
 * Ids not in `sources`, markdown links such as "[2](https://...)" and anything inside code are ignored.
 */
export function citedSourceIds(answerText: string, sources: readonly Pick<PromptSource, "id">[]): number[] {
  const known = new Set(sources.map((s) => s.id));
  const prose = withoutCode(answerText);
  const cited = new Set<number>();
  for (const match of prose.matchAll(/\[\s*(\d+(?:\s*[,;]\s*\d+)*)\s*\](?!\()/g)) {
    for (const part of (match[1] ?? "").split(/[,;]/)) {
      const id = Number(part.trim());
      if (known.has(id)) cited.add(id);
    }
  }
  return [...cited].sort((a, b) => a - b);
}

/** The text outside fenced code blocks and inline code spans. */
function withoutCode(text: string): string {
  const kept: string[] = [];
  let fence: string | undefined;
  for (const line of text.split("\n")) {
    const marker = /^ {0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (fence !== undefined) {
      if (marker && marker[0] === fence[0] && marker.length >= fence.length && line.trim() === marker)
        fence = undefined;
      continue;
    }
    if (marker) fence = marker;
    else kept.push(line);
  }
  return kept.join("\n").replace(/(`+)[\s\S]*?\1/g, "");
}
