import { z } from "zod";

export const ragSearchRequestSchema = z.object({
  query: z.string().trim().min(1, "type something to search for").max(2000),
  k: z.number().int().min(1).max(50).optional(),
});
