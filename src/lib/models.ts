import { z } from "zod";

// The model list as our `/api/models` route serves it, shared by the route and the picker.

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
