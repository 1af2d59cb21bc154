import type { UIMessage } from "ai";
import { z } from "zod";
import { retrievalFallbackSchema } from "./retrievalFallback.ts";
import { sourceEvidenceSchema } from "./sourceEvidence.ts";
import { versionFieldsSchema } from "./versions.ts";

// The chat message type used by the route, the stream and the UI: AI SDK UI messages whose
// metadata carries the model, token usage (for cost) and the knowledge-base sources of each answer.

export const messageSourceSchema = z.object({
  /** The number the answer cites, e.g. 2 for "[2]"; stable within one answer. */
  id: z.number().int().positive(),
  title: z.string(),
  /** File path or URL of the document. */
  source: z.string(),
  headingPath: z.string(),
  /** Whether the finished answer cites it (false while streaming). */
  cited: z.boolean(),
  /** Why it was chosen (absent in conversations saved before it existed). */
  evidence: sourceEvidenceSchema.optional(),
  /** "file": a passage of a document the user attached, not of the knowledge base. */
  origin: z.literal("file").optional(),
});

export type MessageSource = z.infer<typeof messageSourceSchema>;

export const retrievalInfoSchema = z.object({
  /** "hybrid": vector + full text; "text-only": the query embedding failed; "none": no knowledge base. */
  mode: z.enum(["hybrid", "text-only", "none"]),
  /** Why the search fell back to text only. */
  degradedReason: retrievalFallbackSchema.optional(),
});

export type RetrievalInfo = z.infer<typeof retrievalInfoSchema>;

/** An attached document too long to read whole: the answer read its first `readTokens` of about `totalTokens`. */
export const fileNoticeSchema = z.object({
  filename: z.string(),
  readTokens: z.number().int().nonnegative(),
  totalTokens: z.number().int().positive(),
});

export type FileNotice = z.infer<typeof fileNoticeSchema>;

export const messageMetadataSchema = z.object({
  model: z.string().optional(),
  usage: z
    .object({
      inputTokens: z.number().optional(),
      outputTokens: z.number().optional(),
      totalTokens: z.number().optional(),
      /** Part of outputTokens: Chutes bills thinking as output. */
      reasoningTokens: z.number().optional(),
      /** Part of inputTokens: read from the prompt cache, billed at the cache-read price. */
      cachedInputTokens: z.number().optional(),
    })
    .optional(),
  /** Prompt tokens of the knowledge-base sources block sent with this answer's question. */
  knowledgeTokens: z.number().int().nonnegative().optional(),
  /** The account's balance in USD, read right after this answer. */
  balance: z.number().optional(),
  /** How long the model thought, from its first reasoning chunk to its last. */
  reasoningMs: z.number().nonnegative().optional(),
  finishedAt: z.number().optional(),
  /** Sent at the start of the answer; `cited` flags are final in the finish metadata. */
  sources: z.array(messageSourceSchema).optional(),
  retrieval: retrievalInfoSchema.optional(),
  fileNotices: z.array(fileNoticeSchema).optional(),
  ...versionFieldsSchema,
});

export type MessageMetadata = z.infer<typeof messageMetadataSchema>;

export type ChatMessage = UIMessage<MessageMetadata>;

/**
 * The conversation as it goes back upstream: earlier thinking is dropped. It would cost input
 * tokens on every turn, and some chat templates reject it.
 */
export function withoutReasoning<M extends Pick<ChatMessage, "parts">>(messages: M[]): M[] {
  return messages.map((m) =>
    m.parts.some((p) => p.type === "reasoning")
      ? { ...m, parts: m.parts.filter((p) => p.type !== "reasoning") }
      : m,
  );
}

/** The thinking of an answer, all reasoning parts joined. */
export function reasoningText(message: Pick<ChatMessage, "parts">): string {
  return message.parts.map((part) => (part.type === "reasoning" ? part.text : "")).join("");
}

export function messageText(message: Pick<ChatMessage, "parts">): string {
  return message.parts.map((part) => (part.type === "text" ? part.text : "")).join("");
}
