import { keyFormatCheck } from "./credentials/keyFormat.ts";

// How OpenRouter, the second provider, authenticates a pasted key: its shape, the header it
// travels in to our server, where the browser keeps it, and what OpenRouter says about the account.

export const OPENROUTER_KEY_PATTERN = /^sk-or-v1-[0-9a-f]{64}$/;
export const OPENROUTER_KEY_HEADER = "x-openrouter-api-key";
export const OPENROUTER_KEY_STORAGE_KEY = "chutes-chat:openrouter-key";

export const checkOpenRouterKeyFormat = keyFormatCheck({
  provider: "OpenRouter",
  prefix: "sk-or-",
  pattern: OPENROUTER_KEY_PATTERN,
  prefixHint: "OpenRouter API keys start with sk-or-v1-.",
  shapeHint: "an OpenRouter key is sk-or-v1- and 64 hex characters.",
});

export interface OpenRouterAccount {
  label: string | null;
  /** USD left on the account (credits minus usage), or null when unknown. */
  creditRemaining: number | null;
}

/** As parseKeyAccount (chutesAuth.ts), for an OpenRouter key's account. */
export function parseOpenRouterAccount(value: unknown): OpenRouterAccount | null {
  if (typeof value !== "object" || value === null) return null;
  const { label, creditRemaining } = value as Record<string, unknown>;
  if (label !== null && typeof label !== "string") return null;
  if (creditRemaining !== null && (typeof creditRemaining !== "number" || !Number.isFinite(creditRemaining)))
    return null;
  return { label, creditRemaining };
}

export function maskOpenRouterKey(key: string): string {
  return `sk-or-…${key.slice(-4)}`;
}
