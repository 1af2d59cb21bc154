import { z } from "zod";
import type { KeyFormatCheck } from "./chutesAuth.ts";

// How OpenRouter, the second provider, authenticates a pasted key: its shape, the header it
// travels in to our server, where the browser keeps it, and what OpenRouter says about the account.

export const OPENROUTER_KEY_PATTERN = /^sk-or-v1-[0-9a-f]{64}$/;
export const OPENROUTER_KEY_HEADER = "x-openrouter-api-key";
export const OPENROUTER_KEY_STORAGE_KEY = "chutes-chat:openrouter-key";

export function checkOpenRouterKeyFormat(raw: string): KeyFormatCheck {
  const key = raw.trim();
  if (!key) return { ok: false, message: "Paste your OpenRouter API key first." };
  if (!key.startsWith("sk-or-")) return { ok: false, message: "OpenRouter API keys start with sk-or-v1-." };
  if (!OPENROUTER_KEY_PATTERN.test(key)) {
    return {
      ok: false,
      message: "This key is incomplete or mistyped: an OpenRouter key is sk-or-v1- and 64 hex characters.",
    };
  }
  return { ok: true, key };
}

export const openRouterAccountSchema = z.object({
  label: z.string().nullable(),
  /** USD left on the account (credits minus usage), or null when unknown. */
  creditRemaining: z.number().nullable(),
});

export type OpenRouterAccount = z.infer<typeof openRouterAccountSchema>;

export function maskOpenRouterKey(key: string): string {
  return `sk-or-…${key.slice(-4)}`;
}
