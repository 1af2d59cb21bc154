import type { z } from "zod";
import { type AppError, appError, decodeAppError } from "./errors.ts";

// Provider keys the user pastes live in this browser's localStorage, one entry per provider, and
// are checked by our server once before they are saved. The same two mechanisms serve every provider.

/** Same-tab listeners; the `storage` event only fires in other tabs. */
export const KEYS_CHANGED_EVENT = "chutes-chat:api-key-changed";

export interface KeyStore<T> {
  readonly storageKey: string;
  read(storage?: Storage): T | null;
  store(entry: T, storage?: Storage): void;
  clear(storage?: Storage): void;
}

export function createKeyStore<T>(storageKey: string, schema: z.ZodType<T>): KeyStore<T> {
  const notify = () => {
    if (typeof window !== "undefined") window.dispatchEvent(new Event(KEYS_CHANGED_EVENT));
  };
  return {
    storageKey,
    read(storage = globalThis.localStorage) {
      if (!storage) return null;
      try {
        const raw = storage.getItem(storageKey);
        if (!raw) return null;
        const parsed = schema.safeParse(JSON.parse(raw));
        // A tampered or outdated entry is ignored rather than sent.
        return parsed.success ? parsed.data : null;
      } catch {
        return null;
      }
    },
    store(entry, storage = globalThis.localStorage) {
      storage?.setItem(storageKey, JSON.stringify(entry));
      notify();
    },
    clear(storage = globalThis.localStorage) {
      storage?.removeItem(storageKey);
      notify();
    },
  };
}

export type KeyValidationResult<A> = { ok: true; account: A } | { ok: false; error: AppError };

/** Browser → our server → the provider. The key goes in the POST body of this one call only. */
export async function postKeyForValidation<A>(
  route: string,
  apiKey: string,
  responseSchema: z.ZodType<{ account: A }>,
  fetchImpl: typeof fetch = fetch,
): Promise<KeyValidationResult<A>> {
  let response: Response;
  try {
    response = await fetchImpl(route, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ apiKey }),
    });
  } catch {
    return { ok: false, error: appError("network") };
  }
  const text = await response.text();
  if (!response.ok) return { ok: false, error: decodeAppError(text) ?? appError("internal") };
  try {
    const parsed = responseSchema.safeParse(JSON.parse(text));
    if (parsed.success) return { ok: true, account: parsed.data.account };
  } catch {
    // not JSON: reported below
  }
  return { ok: false, error: appError("internal") };
}
