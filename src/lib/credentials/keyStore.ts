import type { ProviderId } from "../errors.ts";
import { type AccountOf, accountParserOf, PROVIDER_PREFERENCE_KEY, PROVIDER_TABLE } from "./providers.ts";

// Pasted keys live in this browser's localStorage, one entry per provider (the row's storageKey),
// each with what the provider said about the account when the key was checked.

/** Same-tab listeners; the `storage` event only fires in other tabs. */
export const KEYS_CHANGED_EVENT = "chutes-chat:api-key-changed";

export interface StoredKey<A> {
  key: string;
  account: A;
  savedAt: string;
}

export interface KeyStore<A> {
  readonly storageKey: string;
  read(storage?: Storage): StoredKey<A> | null;
  store(entry: StoredKey<A>, storage?: Storage): void;
  clear(storage?: Storage): void;
}

function notify(): void {
  if (typeof window !== "undefined") window.dispatchEvent(new Event(KEYS_CHANGED_EVENT));
}

function createKeyStore<P extends ProviderId>(provider: P): KeyStore<AccountOf<P>> {
  const spec = PROVIDER_TABLE[provider];
  const parseAccount = accountParserOf(provider);
  // A plain check, not zod: this store decides the first screen (see parseKeyAccount).
  const parseEntry = (value: unknown): StoredKey<AccountOf<P>> | null => {
    if (typeof value !== "object" || value === null) return null;
    const { key, account, savedAt } = value as Record<string, unknown>;
    if (typeof key !== "string" || !spec.keyPattern.test(key) || typeof savedAt !== "string") return null;
    const parsed = parseAccount(account);
    return parsed ? { key, account: parsed, savedAt } : null;
  };
  return {
    storageKey: spec.storageKey,
    read(storage = globalThis.localStorage) {
      if (!storage) return null;
      try {
        const raw = storage.getItem(spec.storageKey);
        if (!raw) return null;
        // A tampered or outdated entry is ignored rather than sent.
        return parseEntry(JSON.parse(raw));
      } catch {
        return null;
      }
    },
    store(entry, storage = globalThis.localStorage) {
      storage?.setItem(spec.storageKey, JSON.stringify(entry));
      notify();
    },
    clear(storage = globalThis.localStorage) {
      storage?.removeItem(spec.storageKey);
      notify();
    },
  };
}

export const keyStores: { [P in ProviderId]: KeyStore<AccountOf<P>> } = {
  chutes: createKeyStore("chutes"),
  openrouter: createKeyStore("openrouter"),
};

export function readPreferredProvider(storage: Storage = globalThis.localStorage): ProviderId | null {
  const value = storage?.getItem(PROVIDER_PREFERENCE_KEY);
  return value === "chutes" || value === "openrouter" ? value : null;
}

export function storePreferredProvider(
  provider: ProviderId,
  storage: Storage = globalThis.localStorage,
): void {
  storage?.setItem(PROVIDER_PREFERENCE_KEY, provider);
  notify();
}

/** Everything this browser holds about its providers ("Delete all local data"). */
export function clearStoredCredentials(storage: Storage = globalThis.localStorage): void {
  for (const store of Object.values(keyStores)) store.clear(storage);
  storage?.removeItem(PROVIDER_PREFERENCE_KEY);
}
