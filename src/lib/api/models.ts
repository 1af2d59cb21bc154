import { z } from "zod";

// GET /api/models: the model list as the picker shows it, whichever provider serves it.

export const modelInfoSchema = z.object({
  id: z.string(),
  /** Tokens the model reads and writes in one request, prompt included. */
  contextLength: z.number().nullable(),
  /** The most tokens one answer may have, when the provider says. */
  maxOutputTokens: z.number().nullable(),
  /** USD per million tokens; cacheRead is the price of prompt tokens served from the cache. */
  pricing: z.object({
    input: z.number().nullable(),
    output: z.number().nullable(),
    cacheRead: z.number().nullable(),
  }),
  /** Runs in a trusted execution environment (Chutes' `confidential_compute`). */
  confidential: z.boolean(),
  /** "text", "image", ... */
  inputModalities: z.array(z.string()),
  /** "reasoning", "tools", "json_mode", ... as the provider names them. */
  features: z.array(z.string()),
  /** Request parameters the model takes (temperature, top_p, ...); null when the provider does not say. */
  samplingParameters: z.array(z.string()).nullable(),
});

export type ModelInfo = z.infer<typeof modelInfoSchema>;

export const modelListResponseSchema = z.object({
  models: z.array(modelInfoSchema),
  defaultModel: z.string(),
  /** Set when the configured default is not offered and another model was picked instead. */
  defaultModelNote: z.string().optional(),
});

export type ModelListResponse = z.infer<typeof modelListResponseSchema>;

export const MODELS_ROUTE = "/api/models";
