import { z } from "zod";
import { DOCUMENT_BODY_BYTES, DOCUMENT_LIMITS, isDocumentPart } from "./documents.ts";
import { documentPartSchema, imagePartSchema } from "./fileParts.ts";
import { IMAGE_BODY_BYTES, IMAGE_LIMITS } from "./images.ts";

// POST /api/chat, as the AI SDK's chat transport sends it. The system prompt is the server's, so
// only user and assistant turns are accepted. Limits keep one request from costing the server
// (or the user's account) more than a long conversation could.

export const CHAT_ROUTE = "/api/chat";

const MiB = 1024 * 1024;
const TEXT_BODY_BYTES = 4 * MiB;

export const CHAT_LIMITS = {
  /** Room for the longest conversation the schema allows, images and documents included, no more. */
  bodyBytes: Math.ceil((TEXT_BODY_BYTES + IMAGE_BODY_BYTES + DOCUMENT_BODY_BYTES) / MiB) * MiB,
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

/**
 * Tokens of conversation history the route sends with each question, newest first (the knowledge
 * block has its own budget). The composer's cost estimate mirrors it.
 */
export const HISTORY_TOKEN_BUDGET = 6000;

/**
 * Per-conversation settings, each sent only when the user set it (the model's own default applies
 * otherwise). Limits are the OpenAI-compatible ranges vLLM and SGLang enforce, so a bad value is
 * refused here, with the field named, before it costs a request.
 */
export const CHAT_SETTING_LIMITS = {
  systemPrompt: 8000,
  temperature: { min: 0, max: 2 },
  topP: { min: 0.01, max: 1 },
  maxOutputTokens: { min: 1, max: 1_000_000 },
} as const;

export const REASONING_EFFORTS = ["low", "medium", "high"] as const;

const { temperature, topP, maxOutputTokens } = CHAT_SETTING_LIMITS;

export const chatSettingsSchema = z.strictObject({
  systemPrompt: z
    .string()
    .max(CHAT_SETTING_LIMITS.systemPrompt, `at most ${CHAT_SETTING_LIMITS.systemPrompt} characters`)
    .optional(),
  temperature: z
    .number()
    .min(temperature.min, `between ${temperature.min} and ${temperature.max}`)
    .max(temperature.max, `between ${temperature.min} and ${temperature.max}`)
    .optional(),
  topP: z
    .number()
    .min(topP.min, `between ${topP.min} and ${topP.max}`)
    .max(topP.max, `between ${topP.min} and ${topP.max}`)
    .optional(),
  maxOutputTokens: z
    .number()
    .int("a whole number of tokens")
    .min(maxOutputTokens.min, `at least ${maxOutputTokens.min}`)
    .max(maxOutputTokens.max, `at most ${maxOutputTokens.max.toLocaleString("en-US")}`)
    .optional(),
  reasoningEffort: z.enum(REASONING_EFFORTS, "low, medium or high").optional(),
});

export type ChatSettings = z.infer<typeof chatSettingsSchema>;
export type ChatSettingName = keyof ChatSettings;

/**
 * The request parameter behind each setting, as models list them in `supported_sampling_parameters`.
 * The system prompt is a message, which every chat model takes.
 */
export const SAMPLING_PARAMETER_OF: Record<Exclude<ChatSettingName, "systemPrompt">, string> = {
  temperature: "temperature",
  topP: "top_p",
  maxOutputTokens: "max_tokens",
  reasoningEffort: "reasoning_effort",
};

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
