"use client";

import { useEffect, useState } from "react";
import { fetchApi } from "@/src/lib/api/fetchApi.ts";
import { MODELS_ROUTE, type ModelInfo, modelListResponseSchema } from "@/src/lib/api/models.ts";
import { type ErrorView, toErrorView } from "@/src/lib/errors.ts";

export type { ModelInfo };

export type ModelCatalog =
  | { state: "loading" }
  | { state: "ready"; models: ModelInfo[]; defaultModel: string; defaultModelNote?: string | undefined }
  | { state: "failed"; error: ErrorView };

/**
 * Loads `/api/models` with the current credential. `credentialKey` changes when the credential
 * does, which reloads the list (prices and access can differ per account).
 */
export function useModelCatalog(
  requestHeaders: () => Record<string, string>,
  credentialKey: string,
): ModelCatalog {
  const [catalog, setCatalog] = useState<ModelCatalog>({ state: "loading" });

  // biome-ignore lint/correctness/useExhaustiveDependencies: credentialKey stands for requestHeaders, whose identity changes every render.
  useEffect(() => {
    const controller = new AbortController();
    // Back to "loading" for a new credential; on mount it already is (no extra render).
    setCatalog((current) => (current.state === "loading" ? current : { state: "loading" }));
    (async () => {
      const result = await fetchApi(MODELS_ROUTE, modelListResponseSchema, {
        headers: requestHeaders(),
        signal: controller.signal,
      }).catch(() => null); // aborted: a newer credential's request took over
      if (!result) return;
      setCatalog(
        result.ok
          ? {
              state: "ready",
              models: result.data.models,
              defaultModel: result.data.defaultModel,
              defaultModelNote: result.data.defaultModelNote,
            }
          : { state: "failed", error: toErrorView(result.error) },
      );
    })();
    return () => controller.abort();
  }, [credentialKey]);

  return catalog;
}
