import {
  DOCUMENT_LIMITS,
  type DocumentMediaType,
  type DocumentPart,
  documentPart,
} from "@/src/lib/api/documents.ts";
import { AttachmentError } from "./attachmentError.ts";

// Loaded only when the user first attaches a document; the PDF reader (pdf.js, through unpdf)
// only for a PDF. The text is extracted here, in the browser, so the file itself never leaves it.

type DocumentKind = "text" | "markdown" | "html" | "pdf";

const MEDIA_TYPE: Record<DocumentKind, DocumentMediaType> = {
  text: "text/plain",
  markdown: "text/markdown",
  html: "text/html",
  pdf: "text/plain",
};

/** What a file is read as, from its type or, where browsers give none (Markdown), its extension. */
export function documentKind(file: Pick<File, "name" | "type">): DocumentKind | null {
  const extension = /\.([a-z0-9]+)$/i.exec(file.name)?.[1]?.toLowerCase();
  if (file.type === "application/pdf" || extension === "pdf") return "pdf";
  if (file.type === "text/markdown" || extension === "md" || extension === "markdown") return "markdown";
  if (file.type === "text/html" || extension === "html" || extension === "htm") return "html";
  if (file.type === "text/plain" || extension === "txt") return "text";
  return null;
}

export interface PreparedDocument {
  part: DocumentPart;
  /** Set when the text was cut to the limit. */
  notice?: string;
}

const MB = 1024 * 1024;

export async function prepareDocument(file: File): Promise<PreparedDocument> {
  const kind = documentKind(file);
  if (!kind)
    throw new AttachmentError(
      `${file.name} cannot be attached: attach images or text, Markdown, HTML or PDF documents.`,
    );
  if (file.size > DOCUMENT_LIMITS.fileBytes)
    throw new AttachmentError(`${file.name} is larger than ${DOCUMENT_LIMITS.fileBytes / MB} MB.`);
  const text = kind === "pdf" ? await pdfText(file) : await file.text();
  if (!text.trim())
    throw new AttachmentError(
      kind === "pdf"
        ? `${file.name} has no text to read: a scanned PDF needs text recognition first.`
        : `${file.name} is empty.`,
    );
  const { kept, cut } = cutToBytes(text, DOCUMENT_LIMITS.textBytes);
  return {
    part: documentPart(file.name, MEDIA_TYPE[kind], kept),
    ...(cut ? { notice: `only its first ${DOCUMENT_LIMITS.textBytes / MB} MB of text` } : {}),
  };
}

async function pdfText(file: File): Promise<string> {
  const { extractText, getDocumentProxy } = await import("unpdf");
  try {
    const pdf = await getDocumentProxy(new Uint8Array(await file.arrayBuffer()));
    const { text } = await extractText(pdf, { mergePages: false });
    return text.join("\n\n");
  } catch {
    throw new AttachmentError(`${file.name} could not be read as a PDF.`);
  }
}

/** The longest start of `text` that fits `maxBytes` of UTF-8, never splitting a character. */
export function cutToBytes(text: string, maxBytes: number): { kept: string; cut: boolean } {
  const bytes = new TextEncoder().encode(text);
  if (bytes.length <= maxBytes) return { kept: text, cut: false };
  // A cut inside a character leaves an incomplete sequence, which the decoder drops as U+FFFD.
  const kept = new TextDecoder().decode(bytes.subarray(0, maxBytes)).replace(/\uFFFD$/, "");
  return { kept, cut: true };
}
