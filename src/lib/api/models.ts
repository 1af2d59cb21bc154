import { z } from "zod";

// GET /api/models: the model list as the picker shows it, whichever provider serves it.

export const modelInfoSchema = z.object({
  id: z.string(),
  contextLength: z.number().nullable(),
  /** USD per million tokens. */
  pricing: z.object({ input: z.number().nullable(), output: z.number().nullable() }),
  confidential: z.boolean(),
});

export type ModelInfo = z.infer<typeof modelInfoSchema>;

export const modelListResponseSchema = z.object({
  models: z.array(modelInfoSchema),
  defaultModel: z.string(),
});

export type ModelListResponse = z.infer<typeof modelListResponseSchema>;

export const MODELS_ROUTE = "/api/models";
