import "server-only";
import { createHash } from "node:crypto";
import { DOCUMENT_LIMITS, type DocumentPart, documentText, isDocumentPart } from "../api/documents.ts";
import { type ChunkDraft, type DocumentFormat, parseDocument } from "../rag/chunker.ts";
import type { ContextChunk } from "../rag/context.ts";
import { boundedMemo } from "../server/boundedMemo.ts";
import type { ChatMessage, FileNotice } from "./messages.ts";

// Documents the user attached to this conversation, turned into sources for this answer only:
// chunked with the knowledge base's chunker, newest file first, within their own token budget.
// Nothing is stored; the browser sends the text again with each question.

const FORMAT_OF: Record<DocumentPart["mediaType"], DocumentFormat> = {
  "text/plain": "text",
  "text/markdown": "markdown",
  "text/html": "html",
};

export interface AttachedDocuments {
  /** The conversation as it goes upstream: each document replaced by a line that names it. */
  messages: ChatMessage[];
  /** Passages for the sources block, in the order they should be given. */
  chunks: ContextChunk[];
  /** Tokens of those passages (the chunker's counts). */
  tokens: number;
  /** Documents that did not fit the budget whole. */
  notices: FileNotice[];
}

export const attachedMarker = (filename: string) =>
  `[attached file ${filename}: its text is given as sources]`;

/** What the answer can use of one document: its first chunks within the whole budget, and its size. */
interface ReadDocument {
  chunks: readonly ChunkDraft[];
  /** Exact when the file was chunked to its end, else estimated from the part that was. */
  totalTokens: number;
}

// Every question of a conversation sends its files again, and chunking one of 1 MiB took ~0.3 s of
// the event loop before each answer's first token. What a file gave is kept for the files seen
// lately, by a hash of its content and of the asker's credential, so that one user's files never
// make another's answer faster (a timing oracle for "someone attached this file"). Only the passages
// within the budget are kept (~12,000 tokens a file at most).
const readDocuments = boundedMemo<ReadDocument>(64);

function readDocument(document: DocumentPart, budget: number, scope: string): ReadDocument {
  const key = createHash("sha256")
    .update(`${scope}\0${budget}\0${document.mediaType}\0${document.filename}\0`)
    .update(document.url)
    .digest("hex");
  return readDocuments(key, () => {
    const text = documentText(document);
    // Only the beginning is ever read, so the chunker stops past the budget: a new conversation's
    // first question no longer chunks a whole 1 MiB file (~0.3 s) to use 12,000 tokens of it.
    const parsed = parseDocument(
      { fileName: document.filename, text, format: FORMAT_OF[document.mediaType] },
      { stopAfterTokens: budget },
    );
    let fitting = 0;
    let used = 0;
    while (fitting < parsed.chunks.length && used + (parsed.chunks[fitting]?.tokenCount ?? 0) <= budget)
      used += parsed.chunks[fitting++]?.tokenCount ?? 0;
    return {
      chunks: parsed.chunks.slice(0, fitting),
      totalTokens: parsed.complete ? parsed.totalTokens : roughly(parsed.totalTokens, parsed.chunks),
    };
  });
}

/** An estimate is only shown ("of about 250,000 tokens"): two significant figures, never below what was chunked. */
function roughly(tokens: number, chunked: readonly ChunkDraft[]): number {
  const step = 10 ** Math.max(0, Math.floor(Math.log10(tokens)) - 1);
  const made = chunked.reduce((sum, c) => sum + c.tokenCount, 0);
  return Math.max(made, Math.round(tokens / step) * step);
}

export function attachedDocuments(
  messages: readonly ChatMessage[],
  {
    budget = DOCUMENT_LIMITS.promptTokens,
    scope,
  }: {
    budget?: number;
    /** Whose files these are (the credential): what is kept of a file is kept for its owner only. */
    scope: string;
  },
): AttachedDocuments {
  const documents = messages
    .filter((m) => m.role === "user")
    .flatMap((m) => m.parts.filter(isDocumentPart))
    .reverse();
  const chunks: ContextChunk[] = [];
  const notices: FileNotice[] = [];
  let room = budget;
  for (const document of documents) {
    const parsed = readDocument(document, budget, scope);
    const totalTokens = parsed.totalTokens;
    let readTokens = 0;
    for (const chunk of parsed.chunks) {
      if (chunk.tokenCount > room) break;
      room -= chunk.tokenCount;
      readTokens += chunk.tokenCount;
      chunks.push({
        // Negative ids can never collide with a knowledge-base chunk.
        chunkId: -(chunks.length + 1),
        title: document.filename,
        source: document.filename,
        headingPath: chunk.headingPath,
        text: chunk.text,
        tokenCount: chunk.tokenCount,
        origin: "file",
      });
    }
    if (readTokens < totalTokens) notices.push({ filename: document.filename, readTokens, totalTokens });
  }
  return {
    messages: messages.map((m) =>
      m.parts.some(isDocumentPart)
        ? {
            ...m,
            parts: m.parts.map((p) =>
              isDocumentPart(p) ? { type: "text" as const, text: attachedMarker(p.filename) } : p,
            ),
          }
        : m,
    ),
    chunks,
    tokens: budget - room,
    notices,
  };
}
