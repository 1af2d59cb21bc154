import { z } from "zod";
import { CHAT_LIMITS, chatSettingsSchema } from "./chat.ts";
import { DOCUMENT_LIMITS, isDocumentPart } from "./documents.ts";
import { documentPartSchema, imagePartSchema } from "./fileParts.ts";
import { IMAGE_LIMITS } from "./images.ts";

// POST /api/chat's body, as the AI SDK's chat transport sends it. The system prompt is the
// server's, so only user and assistant turns are accepted. Read by the route only: the browser
// never builds these schemas (building zod schemas is a cost at page load).

const partSchema = z.looseObject({
  type: z.string().max(100),
  text: z
    .string()
    .max(CHAT_LIMITS.textPart, `a message may hold at most ${CHAT_LIMITS.textPart} characters`)
    .optional(),
});

const uiMessageSchema = z
  .looseObject({
    id: z.string().min(1).max(200),
    role: z.enum(["user", "assistant"]),
    parts: z.array(partSchema).max(CHAT_LIMITS.partsPerMessage),
  })
  .superRefine((message, ctx) => {
    // Files are what the user attached: images, and documents as their text. Nothing else goes on.
    let images = 0;
    let documents = 0;
    message.parts.forEach((part, index) => {
      if (part.type !== "file") return;
      if (message.role !== "user") {
        ctx.addIssue({
          code: "custom",
          path: ["parts", index],
          message: "only your messages may hold files",
        });
        return;
      }
      const document = isDocumentPart(part);
      if (document) documents++;
      else images++;
      const checked = (document ? documentPartSchema : imagePartSchema).safeParse(part);
      for (const issue of checked.success ? [] : checked.error.issues)
        ctx.addIssue({ code: "custom", path: ["parts", index, ...issue.path], message: issue.message });
    });
    if (images > IMAGE_LIMITS.perMessage)
      ctx.addIssue({
        code: "custom",
        path: ["parts"],
        message: `a message may hold at most ${IMAGE_LIMITS.perMessage} images`,
      });
    if (documents > DOCUMENT_LIMITS.perMessage)
      ctx.addIssue({
        code: "custom",
        path: ["parts"],
        message: `a message may hold at most ${DOCUMENT_LIMITS.perMessage} documents`,
      });
  });

type Parts = ReadonlyArray<{ parts: ReadonlyArray<{ type: string; mediaType?: unknown }> }>;
const countParts = (messages: Parts, is: (p: { type: string; mediaType?: unknown }) => boolean) =>
  messages.reduce((n, m) => n + m.parts.filter(is).length, 0);

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
    .max(CHAT_LIMITS.messages, `a conversation may hold at most ${CHAT_LIMITS.messages} messages`)
    .refine(
      (messages) =>
        countParts(messages, (p) => p.type === "file" && !isDocumentPart(p)) <= IMAGE_LIMITS.perRequest,
      {
        message: `a question may carry at most ${IMAGE_LIMITS.perRequest} images, earlier ones included`,
      },
    )
    .refine((messages) => countParts(messages, isDocumentPart) <= DOCUMENT_LIMITS.perRequest, {
      message: `a conversation may hold at most ${DOCUMENT_LIMITS.perRequest} documents`,
    }),
  model: modelIdSchema,
  settings: chatSettingsSchema.optional(),
  /** The credential may read the account balance: send it with the answer's last metadata. */
  readBalance: z.boolean().optional(),
});

export type ChatRequest = z.infer<typeof chatRequestSchema>;
