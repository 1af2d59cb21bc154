import {
  conversationToMarkdown,
  exportFileName,
  toJson,
  toMarkdown,
} from "@/src/lib/history/exportFormat.ts";
import type { Conversation } from "@/src/lib/history/schema.ts";
import { downloadText } from "./download.ts";

export function exportConversation(conversation: Conversation, kind: "json" | "md"): void {
  const name = exportFileName(kind, conversation.title);
  if (kind === "json") downloadText(name, toJson([conversation]), "application/json");
  else downloadText(name, conversationToMarkdown(conversation), "text/markdown");
}

export function exportAll(conversations: ReadonlyArray<Conversation>, kind: "json" | "md"): void {
  const name = exportFileName(kind);
  if (kind === "json") downloadText(name, toJson(conversations), "application/json");
  else downloadText(name, toMarkdown(conversations), "text/markdown");
}
