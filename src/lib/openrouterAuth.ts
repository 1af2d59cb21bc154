import { z } from "zod";
import { createKeyStore, type KeyValidationResult, postKeyForValidation } from "./browserKeys.ts";

// OpenRouter, the second provider: its key's shape, where the browser keeps it, and the headers
// that carry it (with the provider choice) to our server.

export const OPENROUTER_KEY_PATTERN = /^sk-or-v1-[0-9a-f]{64}$/;
export const OPENROUTER_KEY_HEADER = "x-openrouter-api-key";
/** Which provider a chat or model request is for; absent means Chutes. */
export const PROVIDER_HEADER = "x-chat-provider";
export const OPENROUTER_KEY_STORAGE_KEY = "chutes-chat:openrouter-key";
/** The provider the user connected last wins when both have credentials. */
export const PROVIDER_PREFERENCE_KEY = "chutes-chat:provider";

export function checkOpenRouterKeyFormat(
  raw: string,
): { ok: true; key: string } | { ok: false; message: string } {
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

export const validateOpenRouterKeyResponseSchema = z.object({
  valid: z.literal(true),
  account: openRouterAccountSchema,
});

const storedOpenRouterKeySchema = z.object({
  key: z.string().regex(OPENROUTER_KEY_PATTERN),
  account: openRouterAccountSchema,
  savedAt: z.string(),
});

export type StoredOpenRouterKey = z.infer<typeof storedOpenRouterKeySchema>;

export const openRouterKeyStore = createKeyStore(OPENROUTER_KEY_STORAGE_KEY, storedOpenRouterKeySchema);

export const VALIDATE_OPENROUTER_KEY_ROUTE = "/api/auth/openrouter/validate-key";

export function requestOpenRouterKeyValidation(
  apiKey: string,
  fetchImpl?: typeof fetch,
): Promise<KeyValidationResult<OpenRouterAccount>> {
  return postKeyForValidation(
    VALIDATE_OPENROUTER_KEY_ROUTE,
    apiKey,
    validateOpenRouterKeyResponseSchema,
    fetchImpl,
  );
}
