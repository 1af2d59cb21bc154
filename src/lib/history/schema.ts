import { z } from "zod";
import { chatSettingsSchema } from "../api/chat.ts";
import { type ChatMessage, messageMetadataSchema } from "../chat/messages.ts";

// One conversation as this browser keeps it (IndexedDB) and as export files carry it. Both are
// read back through these schemas, so a damaged record or a foreign file is refused, not guessed at.

const textPartTypes = new Set(["text", "reasoning"]);

const partSchema = z
  .looseObject({ type: z.string().min(1) })
  .refine((part) => !textPartTypes.has(part.type) || typeof part.text === "string", {
    message: "a text part needs its text",
  });

export const storedMessageSchema = z.looseObject({
  id: z.string().min(1),
  role: z.enum(["system", "user", "assistant"]),
  parts: z.array(partSchema),
  metadata: messageMetadataSchema.optional(),
});

export const conversationSchema = z.object({
  id: z.string().min(1).max(200),
  title: z.string().max(500),
  /** Epoch milliseconds. */
  createdAt: z.number().int().nonnegative(),
  updatedAt: z.number().int().nonnegative(),
  messages: z.array(storedMessageSchema),
  /** The conversation's own settings (system prompt, sampling); absent means the model's defaults. */
  settings: chatSettingsSchema.optional(),
});

type ParsedConversation = z.infer<typeof conversationSchema>;

/** The schema checks what the UI relies on; the AI SDK's own message type describes the rest. */
export type Conversation = Omit<ParsedConversation, "messages"> & { messages: ChatMessage[] };

export type ConversationSummary = Omit<Conversation, "messages"> & { messageCount: number };

export function summarize({ messages, ...rest }: Conversation): ConversationSummary {
  return { ...rest, messageCount: messages.length };
}

export const EXPORT_FORMAT = "chutes-chat.conversations";
/**
 * 2 added per-conversation settings; 3 added answer versions (message metadata `versions` and
 * `versionIndex`). Older files still import: their messages simply have one version each. Records
 * in IndexedDB carry the same number as `formatVersion` (src/lib/history/migrate.ts).
 */
export const EXPORT_VERSION = 3;

export const exportFileSchema = z.object({
  format: z.literal(EXPORT_FORMAT),
  version: z.union([z.literal(1), z.literal(2), z.literal(EXPORT_VERSION)]),
  exportedAt: z.string(),
  conversations: z.array(conversationSchema),
});

export type ExportFile = Omit<z.infer<typeof exportFileSchema>, "conversations"> & {
  conversations: Conversation[];
};

export function parseConversation(value: unknown): Conversation | null {
  const parsed = conversationSchema.safeParse(value);
  return parsed.success ? (parsed.data as Conversation) : null;
}
