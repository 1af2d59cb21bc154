import type { ModelInfo } from "../api/models.ts";

// What the picker does with the catalog: filter by capability, sort by price or context, and
// choose the default when the configured one is not offered. Shared by the route and the browser.

export const CAPABILITIES = ["reasoning", "vision", "tee"] as const;
export type Capability = (typeof CAPABILITIES)[number];

export const CAPABILITY_LABELS: Record<Capability, string> = {
  reasoning: "Reasoning",
  vision: "Vision",
  tee: "TEE",
};

export function hasCapability(model: ModelInfo, capability: Capability): boolean {
  switch (capability) {
    case "reasoning":
      return model.features.includes("reasoning");
    case "vision":
      return model.inputModalities.includes("image");
    case "tee":
      return model.confidential;
  }
}

export const MODEL_SORTS = ["catalog", "price", "context"] as const;
export type ModelSort = (typeof MODEL_SORTS)[number];

export const MODEL_SORT_LABELS: Record<ModelSort, string> = {
  catalog: "Most used",
  price: "Cheapest",
  context: "Longest context",
};

/**
 * A typical turn's price: prompt-heavy, as a RAG answer is (three input tokens per output token).
 * Unknown prices sort last.
 */
export function blendedPrice(model: ModelInfo): number | null {
  const { input, output } = model.pricing;
  if (input === null || output === null) return null;
  return (3 * input + output) / 4;
}

/** Models with every required capability, in the chosen order (ties keep catalog order). */
export function selectModels(
  models: ReadonlyArray<ModelInfo>,
  { require = [], sort = "catalog" }: { require?: ReadonlyArray<Capability>; sort?: ModelSort },
): ModelInfo[] {
  const kept = models.filter((m) => require.every((c) => hasCapability(m, c)));
  if (sort === "catalog") return kept;
  const key = (m: ModelInfo): number =>
    sort === "price" ? (blendedPrice(m) ?? Number.POSITIVE_INFINITY) : -(m.contextLength ?? -1);
  return kept
    .map((m, i) => ({ m, i }))
    .sort((a, b) => key(a.m) - key(b.m) || a.i - b.i)
    .map(({ m }) => m);
}

/**
 * The model to preselect: the configured one when it is offered; otherwise the first model of
 * the catalog (Chutes lists them by use) that reads text and has a known price, with a note
 * saying so. Model ids are never hard-coded: catalogs change under every deployment.
 */
export function pickDefaultModel(
  models: ReadonlyArray<ModelInfo>,
  configured: string,
): { id: string; note?: string } {
  if (models.some((m) => m.id === configured)) return { id: configured };
  const usable =
    models.find((m) => m.inputModalities.includes("text") && blendedPrice(m) !== null) ?? models[0];
  if (!usable) return { id: configured };
  return {
    id: usable.id,
    note: `The configured default model ${configured} is not offered right now, so ${usable.id} is preselected instead.`,
  };
}
