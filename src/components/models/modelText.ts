import type { ModelInfo } from "@/src/lib/api/models.ts";

// How a model is described in the picker: price per million tokens, context, TEE.

function formatPrice(usd: number | null): string {
  if (usd === null) return "?";
  return `$${usd < 0.01 && usd > 0 ? usd.toPrecision(2) : usd.toFixed(2)}`;
}

export function priceText(model: ModelInfo): string {
  const { input, output } = model.pricing;
  if (input === null && output === null) return "price unknown";
  return `${formatPrice(input)} in / ${formatPrice(output)} out per 1M tokens`;
}

/** 163840 → "164K context". */
export function contextText(contextLength: number | null): string | null {
  if (contextLength === null) return null;
  if (contextLength >= 1_000_000) return `${+(contextLength / 1_000_000).toFixed(1)}M context`;
  return `${Math.round(contextLength / 1000)}K context`;
}

/** Every word of the query appears in the id; an exact id comes first. */
export function filterModels(models: ReadonlyArray<ModelInfo>, query: string): ModelInfo[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return [...models];
  const matches = models.filter((m) => {
    const haystack = `${m.id} ${m.confidential ? "tee confidential" : ""}`.toLowerCase();
    return words.every((w) => haystack.includes(w));
  });
  const exact = query.trim().toLowerCase();
  return matches.sort((a, b) => Number(b.id.toLowerCase() === exact) - Number(a.id.toLowerCase() === exact));
}

/** What the picker knows about a model id that is not (or not yet) in the list. */
export function unlistedModel(id: string): ModelInfo {
  return {
    id,
    contextLength: null,
    maxOutputTokens: null,
    pricing: { input: null, output: null, cacheRead: null },
    confidential: false,
    inputModalities: ["text"],
    features: [],
    samplingParameters: null,
  };
}
