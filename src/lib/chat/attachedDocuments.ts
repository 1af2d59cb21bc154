import "server-only";
import { DOCUMENT_LIMITS, type DocumentPart, documentText, isDocumentPart } from "../api/documents.ts";
import { type DocumentFormat, parseDocument } from "../rag/chunker.ts";
import type { ContextChunk } from "../rag/context.ts";
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

export function attachedDocuments(
  messages: readonly ChatMessage[],
  budget: number = DOCUMENT_LIMITS.promptTokens,
): AttachedDocuments {
  const documents = messages
    .filter((m) => m.role === "user")
    .flatMap((m) => m.parts.filter(isDocumentPart))
    .reverse();
  const chunks: ContextChunk[] = [];
  const notices: FileNotice[] = [];
  let room = budget;
  for (const document of documents) {
    const parsed = parseDocument({
      fileName: document.filename,
      text: documentText(document),
      format: FORMAT_OF[document.mediaType],
    });
    const totalTokens = parsed.chunks.reduce((sum, c) => sum + c.tokenCount, 0);
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
