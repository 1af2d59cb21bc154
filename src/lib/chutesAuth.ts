import { z } from "zod";
import {
  createKeyStore,
  KEYS_CHANGED_EVENT,
  type KeyValidationResult,
  postKeyForValidation,
} from "./browserKeys.ts";

// Browser and server share this module: the key's shape, where the browser keeps it, the header
// it travels in, and the client's call to the validation route. Nothing here talks to Chutes.

/** `cpk_<32 hex>.<32 hex>.<32 alphanumerics>`, 102 characters (Chutes checks this shape first). */
export const API_KEY_PATTERN = /^cpk_[0-9a-f]{32}\.[0-9a-f]{32}\.[A-Za-z0-9]{32}$/;

/** The header that carries a pasted key from the browser to our server; never a URL or body. */
export const API_KEY_HEADER = "x-chutes-api-key";

/** The one localStorage entry that holds the user's key (and what Chutes said about it). */
export const API_KEY_STORAGE_KEY = "chutes-chat:api-key";

export type KeyFormatProblem = "empty" | "prefix" | "shape";

export function checkApiKeyFormat(
  raw: string,
): { ok: true; key: string } | { ok: false; problem: KeyFormatProblem } {
  const key = raw.trim();
  if (!key) return { ok: false, problem: "empty" };
  if (!key.startsWith("cpk_")) return { ok: false, problem: "prefix" };
  if (!API_KEY_PATTERN.test(key)) return { ok: false, problem: "shape" };
  return { ok: true, key };
}

export function describeKeyFormatProblem(problem: KeyFormatProblem): string {
  switch (problem) {
    case "empty":
      return "Paste your Chutes API key first.";
    case "prefix":
      return "Chutes API keys start with cpk_.";
    case "shape":
      return "This key is incomplete or mistyped: a Chutes API key has three dot-separated parts (102 characters).";
  }
}

export const keyAccountSchema = z.object({
  /** An admin key can read the account; a scoped (invoke-only) key cannot, by Chutes' design. */
  scope: z.enum(["admin", "scoped"]),
  username: z.string().nullable(),
  balance: z.number().nullable(),
});

export type KeyAccount = z.infer<typeof keyAccountSchema>;

export const validateKeyRequestSchema = z.object({ apiKey: z.string().max(512) });

export const validateKeyResponseSchema = z.object({ valid: z.literal(true), account: keyAccountSchema });

const storedKeySchema = z.object({
  key: z.string().regex(API_KEY_PATTERN),
  account: keyAccountSchema,
  savedAt: z.string(),
});

export type StoredApiKey = z.infer<typeof storedKeySchema>;

export const API_KEY_CHANGED_EVENT = KEYS_CHANGED_EVENT;

const chutesKeyStore = createKeyStore(API_KEY_STORAGE_KEY, storedKeySchema);

export function readStoredApiKey(storage?: Storage): StoredApiKey | null {
  return chutesKeyStore.read(storage);
}

export function storeApiKey(entry: StoredApiKey, storage?: Storage): void {
  chutesKeyStore.store(entry, storage);
}

export function clearStoredApiKey(storage?: Storage): void {
  chutesKeyStore.clear(storage);
}

export const VALIDATE_KEY_ROUTE = "/api/auth/chutes/validate-key";

export type KeyValidation = KeyValidationResult<KeyAccount>;

/** Browser → our server → Chutes. The key goes in the POST body of this one call only. */
export function requestKeyValidation(apiKey: string, fetchImpl?: typeof fetch): Promise<KeyValidation> {
  return postKeyForValidation(VALIDATE_KEY_ROUTE, apiKey, validateKeyResponseSchema, fetchImpl);
}
