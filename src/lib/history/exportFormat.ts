import { isDocumentPart } from "../api/documents.ts";
import { isImagePart } from "../api/images.ts";
import { messageText, reasoningText } from "../chat/messages.ts";
import {
  type Conversation,
  EXPORT_FORMAT,
  EXPORT_VERSION,
  type ExportFile,
  exportFileSchema,
} from "./schema.ts";

// Export files: JSON that imports back to identical conversations, and Markdown for reading.

export function toExportFile(conversations: ReadonlyArray<Conversation>, now = new Date()): ExportFile {
  return {
    format: EXPORT_FORMAT,
    version: EXPORT_VERSION,
    exportedAt: now.toISOString(),
    conversations: [...conversations],
  };
}

export function toJson(conversations: ReadonlyArray<Conversation>, now = new Date()): string {
  return `${JSON.stringify(toExportFile(conversations, now), null, 2)}\n`;
}

export function conversationToMarkdown(conversation: Conversation): string {
  const lines = [`# ${conversation.title}`, "", `_${new Date(conversation.updatedAt).toISOString()}_`, ""];
  const systemPrompt = conversation.settings?.systemPrompt?.trim();
  if (systemPrompt) lines.push("System prompt:", "", ...systemPrompt.split("\n").map((l) => `> ${l}`), "");
  for (const message of conversation.messages) {
    if (message.role === "system") continue;
    const model = message.metadata?.model;
    lines.push(message.role === "user" ? "## You" : `## Assistant${model ? ` (${model})` : ""}`, "");
    const thinking = reasoningText(message).trim();
    if (thinking) lines.push("<details><summary>Thinking</summary>", "", thinking, "", "</details>", "");
    // Images stay in the JSON export; the Markdown names them, to be read beside their files.
    const images = message.parts.filter(isImagePart);
    if (images.length > 0)
      lines.push(images.map((i, n) => `![${imageName(i, n)}](${imageName(i, n)})`).join(" "), "");
    const documents = message.parts.filter(isDocumentPart);
    if (documents.length > 0) lines.push(`Attached: ${documents.map((d) => d.filename).join(", ")}`, "");
    lines.push(messageText(message).trim(), "");
    const sources = message.metadata?.sources ?? [];
    if (sources.length > 0) {
      lines.push("Sources:", "");
      for (const s of sources) {
        const where = [s.title, s.headingPath].filter(Boolean).join(" — ");
        const from = s.origin === "file" ? "from your file" : s.source;
        lines.push(`- [${s.id}] ${where} (${from})${s.cited ? " — cited" : ""}`);
      }
      lines.push("");
    }
  }
  return `${lines.join("\n").trimEnd()}\n`;
}

function imageName(image: { filename?: string | undefined }, index: number): string {
  return encodeURI(image.filename ?? `image-${index + 1}`);
}

export function toMarkdown(conversations: ReadonlyArray<Conversation>): string {
  return conversations.map(conversationToMarkdown).join("\n---\n\n");
}

export type ImportResult = { ok: true; conversations: Conversation[] } | { ok: false; message: string };

const MAX_IMPORT_BYTES = 50 * 1024 * 1024;

/** Reads an export file. Any problem refuses the whole file, so an import never half-happens. */
export function parseImport(text: string): ImportResult {
  if (text.length > MAX_IMPORT_BYTES)
    return { ok: false, message: "This file is too large to import (over 50 MB)." };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, message: "This file is not valid JSON, so nothing was imported." };
  }
  const parsed = exportFileSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? ` (at ${issue.path.join(".")})` : "";
    return {
      ok: false,
      message: `This file is not a chutes-chat export${where}, so nothing was imported. Use a file made with "Export all as JSON".`,
    };
  }
  const ids = new Set<string>();
  for (const conversation of parsed.data.conversations) {
    if (ids.has(conversation.id))
      return {
        ok: false,
        message: `This file lists conversation ${conversation.id} twice, so nothing was imported.`,
      };
    ids.add(conversation.id);
  }
  return { ok: true, conversations: parsed.data.conversations as Conversation[] };
}

export interface MergePlan {
  /** Records to write: new ones, and those the file has in a newer version. */
  write: Conversation[];
  added: number;
  updated: number;
  unchanged: number;
}

/**
 * Imported conversations are merged by id: a new id is added; a known id is replaced only when
 * the file's copy was updated later, so importing the same file twice changes nothing and an
 * old backup never overwrites newer messages.
 */
export function planMerge(
  existing: ReadonlyArray<Conversation>,
  imported: ReadonlyArray<Conversation>,
): MergePlan {
  const byId = new Map(existing.map((c) => [c.id, c]));
  const plan: MergePlan = { write: [], added: 0, updated: 0, unchanged: 0 };
  for (const conversation of imported) {
    const current = byId.get(conversation.id);
    if (!current) {
      plan.write.push(conversation);
      plan.added++;
    } else if (conversation.updatedAt > current.updatedAt) {
      plan.write.push(conversation);
      plan.updated++;
    } else plan.unchanged++;
  }
  return plan;
}

export function describeMerge(plan: MergePlan): string {
  const parts = [`${plan.added} added`];
  if (plan.updated) parts.push(`${plan.updated} updated`);
  if (plan.unchanged) parts.push(`${plan.unchanged} already here`);
  return `Imported: ${parts.join(", ")}.`;
}

export function exportFileName(kind: "json" | "md", title?: string, now = new Date()): string {
  const date = now.toISOString().slice(0, 10);
  const slug = title
    ?.toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "")
    .slice(0, 40);
  return `chutes-chat-${slug || "conversations"}-${date}.${kind}`;
}
