import { z } from "zod";

// How Chutes authenticates a pasted key: its shape (checked before anything leaves the browser),
// the header it travels in to our server, where the browser keeps it, and what Chutes tells us
// about the account. Browser and server share this module; nothing here talks to Chutes.

/** `cpk_<32 hex>.<32 hex>.<32 alphanumerics>`, 102 characters (docs/dev/chutes-protocol.md §2.1). */
export const API_KEY_PATTERN = /^cpk_[0-9a-f]{32}\.[0-9a-f]{32}\.[A-Za-z0-9]{32}$/;

/** The header that carries a pasted key from the browser to our server; never a URL or body. */
export const API_KEY_HEADER = "x-chutes-api-key";

/** The one localStorage entry that holds the user's key (and what Chutes said about it). */
export const API_KEY_STORAGE_KEY = "chutes-chat:api-key";

export type KeyFormatCheck = { ok: true; key: string } | { ok: false; message: string };

export function checkApiKeyFormat(raw: string): KeyFormatCheck {
  const key = raw.trim();
  if (!key) return { ok: false, message: "Paste your Chutes API key first." };
  if (!key.startsWith("cpk_")) return { ok: false, message: "Chutes API keys start with cpk_." };
  if (!API_KEY_PATTERN.test(key)) {
    return {
      ok: false,
      message:
        "This key is incomplete or mistyped: a Chutes API key has three dot-separated parts (102 characters).",
    };
  }
  return { ok: true, key };
}

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
