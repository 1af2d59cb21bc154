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

export interface KeyAccount {
  /** An admin key can read the account; a scoped (invoke-only) key cannot, by Chutes' design. */
  scope: "admin" | "scoped";
  username: string | null;
  balance: number | null;
}

/**
 * The account summary our server sent, or one stored beside a key; null when it is not one. A plain
 * check rather than zod: the setup screen and the key store are in the first paint, where zod would
 * add 28 KiB gzip (bench/RESULTS.md, bundle).
 */
export function parseKeyAccount(value: unknown): KeyAccount | null {
  if (typeof value !== "object" || value === null) return null;
  const { scope, username, balance } = value as Record<string, unknown>;
  if (scope !== "admin" && scope !== "scoped") return null;
  if (username !== null && typeof username !== "string") return null;
  if (balance !== null && (typeof balance !== "number" || !Number.isFinite(balance))) return null;
  return { scope, username, balance };
}

/** The key as it may be shown: `cpk_…` and its last four characters. */
export function maskKey(key: string): string {
  return `cpk_…${key.slice(-4)}`;
}
