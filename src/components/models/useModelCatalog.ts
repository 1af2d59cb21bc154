"use client";

import { useEffect, useState } from "react";
import { type ErrorView, toErrorView } from "@/src/lib/errors.ts";
import { type ModelInfo, modelListResponseSchema } from "@/src/lib/models.ts";

export type { ModelInfo };

export type ModelCatalog =
  | { state: "loading" }
  | { state: "ready"; models: ModelInfo[]; defaultModel: string }
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
    setCatalog({ state: "loading" });
    (async () => {
      try {
        const response = await fetch("/api/models", { headers: requestHeaders(), signal: controller.signal });
        const text = await response.text();
        if (!response.ok) {
          setCatalog({ state: "failed", error: toErrorView(text) });
          return;
        }
        const body = modelListResponseSchema.parse(JSON.parse(text));
        setCatalog({ state: "ready", models: body.models, defaultModel: body.defaultModel });
      } catch (error) {
        if (controller.signal.aborted) return;
        setCatalog({ state: "failed", error: toErrorView(error) });
      }
    })();
    return () => controller.abort();
  }, [credentialKey]);

  return catalog;
}
