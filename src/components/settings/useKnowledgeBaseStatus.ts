"use client";

import { useEffect, useState } from "react";
import { z } from "zod";

// GET /api/rag/status: what the server's knowledge base holds. The route may not exist on every
// deployment; then the settings simply say the status is unavailable.

const knowledgeBaseStatusSchema = z.object({
  documents: z.number().int().nonnegative(),
  chunks: z.number().int().nonnegative(),
  embeddingModel: z.string().nullable().optional(),
  lastIngestAt: z.union([z.string(), z.number()]).nullable().optional(),
});

export type KnowledgeBaseStatus = z.infer<typeof knowledgeBaseStatusSchema>;

export type KnowledgeBaseState =
  | { state: "loading" }
  | { state: "ready"; status: KnowledgeBaseStatus }
  | { state: "unavailable" };

export function useKnowledgeBaseStatus(): KnowledgeBaseState {
  const [result, setResult] = useState<KnowledgeBaseState>({ state: "loading" });
  useEffect(() => {
    const controller = new AbortController();
    (async () => {
      try {
        const response = await fetch("/api/rag/status", { signal: controller.signal });
        if (!response.ok) throw new Error(`status ${response.status}`);
        const status = knowledgeBaseStatusSchema.parse(await response.json());
        setResult({ state: "ready", status });
      } catch {
        if (!controller.signal.aborted) setResult({ state: "unavailable" });
      }
    })();
    return () => controller.abort();
  }, []);
  return result;
}
