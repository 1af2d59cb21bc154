"use client";

import { useCallback, useState } from "react";
import type { ModelCatalog } from "./useModelCatalog.ts";

export const MODEL_STORAGE_KEY = "chutes-chat:model";

function readStoredModel(): string | null {
  try {
    return globalThis.localStorage?.getItem(MODEL_STORAGE_KEY) || null;
  } catch {
    return null;
  }
}

/** The model the next request uses: the remembered choice if still offered, else the server default. */
export function useModelChoice(
  catalog: ModelCatalog,
  /** The server's CHUTES_DEFAULT_MODEL, for when the list cannot be loaded. */
  defaultModel: string,
): {
  model: string | null;
  choose: (id: string) => void;
} {
  const [stored, setStored] = useState<string | null>(readStoredModel);

  const choose = useCallback((id: string) => {
    setStored(id);
    try {
      globalThis.localStorage?.setItem(MODEL_STORAGE_KEY, id);
    } catch {
      // Private mode or full storage: the choice still holds for this page.
    }
  }, []);

  let model: string | null;
  if (catalog.state === "loading") model = null;
  else if (catalog.state === "failed") model = stored ?? defaultModel;
  else model = stored && catalog.models.some((m) => m.id === stored) ? stored : catalog.defaultModel;

  return { model, choose };
}
