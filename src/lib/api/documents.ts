import type { FileUIPart } from "ai";
import { newestParts } from "./images.ts";

// Documents attached to one question: the browser extracts their text (a PDF's too) and sends it as
// a file part of the user's message; the server chunks it into sources of this conversation only
// and stores none of it. One set of limits for both sides.

export const DOCUMENT_MEDIA_TYPES = ["text/plain", "text/markdown", "text/html"] as const;
export type DocumentMediaType = (typeof DOCUMENT_MEDIA_TYPES)[number];

const MiB = 1024 * 1024;

export const DOCUMENT_LIMITS = {
  perMessage: 3,
  /** Documents anywhere in the conversation: each goes with every later question. */
  perRequest: 4,
  /** Bytes of extracted text per document (UTF-8); longer text is cut in the browser, with a notice. */
  textBytes: MiB,
  /** A file the browser will open at all (a PDF is mostly not text). */
  fileBytes: 20 * MiB,
  filename: 255,
  /** Prompt tokens of attached documents one question carries (the knowledge base has its own). */
  promptTokens: 12_000,
} as const;

/** Room in a request body for the most documents it may carry, base64-encoded. */
export const DOCUMENT_BODY_BYTES =
  DOCUMENT_LIMITS.perRequest * Math.ceil((DOCUMENT_LIMITS.textBytes * 4) / 3);

/** What the composer's file picker offers besides images. */
export const DOCUMENT_ACCEPT =
  ".txt,.md,.markdown,.html,.htm,.pdf,text/plain,text/markdown,text/html,application/pdf";

export type DocumentPart = FileUIPart & { mediaType: DocumentMediaType; filename: string };

export function isDocumentPart(part: { type: string; mediaType?: unknown }): part is DocumentPart {
  return part.type === "file" && (DOCUMENT_MEDIA_TYPES as ReadonlyArray<unknown>).includes(part.mediaType);
}

/** A document part's text (UTF-8 under base64), in the browser and on the server. */
export function documentText(part: Pick<DocumentPart, "url">): string {
  const base64 = part.url.slice(part.url.indexOf(",") + 1);
  const binary = atob(base64);
  // A plain loop: Uint8Array.from with a mapping function took 140-230 ms for a 1 MiB file, this 7-14.
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return new TextDecoder().decode(bytes);
}

/** A document part carrying `text`, as the browser sends it. */
export function documentPart(filename: string, mediaType: DocumentMediaType, text: string): DocumentPart {
  const bytes = new TextEncoder().encode(text);
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000)
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return { type: "file", mediaType, filename, url: `data:${mediaType};base64,${btoa(binary)}` };
}

/**
 * The conversation as a request carries it: the newest `perRequest` documents, a line naming each
 * older one, so a long conversation keeps working instead of being refused.
 */
export function documentsForRequest<
  M extends { parts: ReadonlyArray<{ type: string; mediaType?: unknown }> },
>(messages: M[]): M[] {
  return newestParts(
    messages,
    isDocumentPart,
    DOCUMENT_LIMITS.perRequest,
    (part) =>
      `[file ${part.filename ?? "untitled"}, no longer read: a question reads the ${DOCUMENT_LIMITS.perRequest} newest files]`,
  );
}
