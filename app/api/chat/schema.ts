import { z } from "zod";

// Only user and assistant turns come from the browser; the system prompt is the server's.
const uiMessageSchema = z.looseObject({
  id: z.string().min(1).max(200),
  role: z.enum(["user", "assistant"]),
  parts: z.array(z.looseObject({ type: z.string() })).max(200),
});

export const chatRequestSchema = z.object({
  messages: z.array(uiMessageSchema).min(1).max(1000),
  model: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .regex(/^[\w.\-/:,]+$/, "a Chutes model id"),
});

export type ChatRequest = z.infer<typeof chatRequestSchema>;
