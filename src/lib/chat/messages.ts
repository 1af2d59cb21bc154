import type { UIMessage } from "ai";
import { z } from "zod";

// The chat message type used by the route, the stream and the UI: AI SDK UI messages whose
// metadata carries the model and token usage of each answer (for cost display).

export const messageMetadataSchema = z.object({
  model: z.string().optional(),
  usage: z
    .object({
      inputTokens: z.number().optional(),
      outputTokens: z.number().optional(),
      totalTokens: z.number().optional(),
    })
    .optional(),
  finishedAt: z.number().optional(),
});

export type MessageMetadata = z.infer<typeof messageMetadataSchema>;

export type ChatMessage = UIMessage<MessageMetadata>;

export function messageText(message: Pick<ChatMessage, "parts">): string {
  return message.parts.map((part) => (part.type === "text" ? part.text : "")).join("");
}
