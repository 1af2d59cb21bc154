import { isDocumentPart } from "../api/documents.ts";
import { isImagePart } from "../api/images.ts";
import type { ChatMessage } from "../chat/messages.ts";
import { messageText } from "../chat/messages.ts";

export const TITLE_MAX_LENGTH = 60;
export const UNTITLED = "New chat";

/**
 * A conversation's automatic title: its first question, on one line, cut at a word boundary.
 * No model is asked, so naming a chat never costs the user anything.
 */
export function titleFromText(text: string, max = TITLE_MAX_LENGTH): string {
  const line = text.replace(/\s+/g, " ").trim();
  if (!line) return UNTITLED;
  if (line.length <= max) return line;
  const cut = line.slice(0, max);
  const lastSpace = cut.lastIndexOf(" ");
  // A single very long word is cut mid-word rather than left empty.
  const head = lastSpace >= max / 2 ? cut.slice(0, lastSpace) : cut;
  return `${head.replace(/[\s.,;:!?-]+$/, "")}…`;
}

export function titleFromMessages(messages: ReadonlyArray<ChatMessage>): string {
  const first = messages.find((m) => m.role === "user");
  const text = first ? messageText(first) : "";
  // A question that is only an image or a document is named after it.
  const image = first?.parts.find(isImagePart);
  const document = first?.parts.find(isDocumentPart);
  if (text.trim() || (!image && !document)) return titleFromText(text);
  return titleFromText(image ? `Image: ${image.filename ?? "untitled"}` : `File: ${document?.filename}`);
}
