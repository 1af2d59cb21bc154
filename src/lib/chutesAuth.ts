import { z } from "zod";
import { keyFormatCheck } from "./credentials/keyFormat.ts";

// How Chutes authenticates a pasted key: its shape (checked before anything leaves the browser),
// the header it travels in to our server, where the browser keeps it, and what Chutes tells us
// about the account. Browser and server share this module; nothing here talks to Chutes.

/** `cpk_<32 hex>.<32 hex>.<32 alphanumerics>`, 102 characters (docs/dev/chutes-protocol.md §2.1). */
export const API_KEY_PATTERN = /^cpk_[0-9a-f]{32}\.[0-9a-f]{32}\.[A-Za-z0-9]{32}$/;

/** The header that carries a pasted key from the browser to our server; never a URL or body. */
export const API_KEY_HEADER = "x-chutes-api-key";

/** The one localStorage entry that holds the user's key (and what Chutes said about it). */
export const API_KEY_STORAGE_KEY = "chutes-chat:api-key";

export const checkApiKeyFormat = keyFormatCheck({
  provider: "Chutes",
  prefix: "cpk_",
  pattern: API_KEY_PATTERN,
  prefixHint: "Chutes API keys start with cpk_.",
  shapeHint: "a Chutes API key has three dot-separated parts (102 characters).",
});

export const keyAccountSchema = z.object({
  /** An admin key can read the account; a scoped (invoke-only) key cannot, by Chutes' design. */
  scope: z.enum(["admin", "scoped"]),
  username: z.string().nullable(),
  balance: z.number().nullable(),
});

export type KeyAccount = z.infer<typeof keyAccountSchema>;

/** The key as it may be shown: `cpk_…` and its last four characters. */
export function maskKey(key: string): string {
  return `cpk_…${key.slice(-4)}`;
}
