import { z } from "zod";
import { formatCount } from "../formatCount.ts";
import { DOCUMENT_BODY_BYTES } from "./documents.ts";
import { IMAGE_BODY_BYTES } from "./images.ts";

// POST /api/chat: its limits and the per-conversation settings, which the browser uses too. The
// request's schema is in chatRequest.ts, which only the route reads, so the browser never builds
// it. Limits keep one request from costing the server (or the user's account) more than a long
// conversation could.

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
    .max(maxOutputTokens.max, `at most ${formatCount(maxOutputTokens.max)}`)
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
