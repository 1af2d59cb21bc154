import { z } from "zod";

// POST /api/chat, as the AI SDK's chat transport sends it. The system prompt is the server's, so
// only user and assistant turns are accepted. Limits keep one request from costing the server
// (or the user's account) more than a long conversation could.

export const CHAT_ROUTE = "/api/chat";

export const CHAT_LIMITS = {
  /** Room for the longest conversation the schema allows, not for anything bigger. */
  bodyBytes: 4 * 1024 * 1024,
  messages: 500,
  partsPerMessage: 100,
  /** Characters of text in one part: about 25k tokens, beyond any model's useful input. */
  textPart: 100_000,
  modelId: 200,
} as const;

const partSchema = z.looseObject({
  type: z.string().max(100),
  text: z
    .string()
    .max(CHAT_LIMITS.textPart, `a message may hold at most ${CHAT_LIMITS.textPart} characters`)
    .optional(),
});

const uiMessageSchema = z.looseObject({
  id: z.string().min(1).max(200),
  role: z.enum(["user", "assistant"]),
  parts: z.array(partSchema).max(CHAT_LIMITS.partsPerMessage),
});

/** A model id as Chutes and OpenRouter write them: `org/Name-1.5B:variant`, no spaces. */
export const modelIdSchema = z
  .string()
  .trim()
  .min(1)
  .max(CHAT_LIMITS.modelId)
  .regex(/^[\w.\-/:,]+$/, "a model id such as deepseek-ai/DeepSeek-V3.2");

export const chatRequestSchema = z.strictObject({
  // What the transport adds on its own.
  id: z.string().max(200).optional(),
  trigger: z.enum(["submit-message", "regenerate-message"]).optional(),
  messageId: z.string().max(200).optional(),
  messages: z
    .array(uiMessageSchema)
    .min(1)
    .max(CHAT_LIMITS.messages, `a conversation may hold at most ${CHAT_LIMITS.messages} messages`),
  model: modelIdSchema,
});

export type ChatRequest = z.infer<typeof chatRequestSchema>;
