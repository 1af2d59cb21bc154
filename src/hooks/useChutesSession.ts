"use client";

import { useCallback, useMemo, useSyncExternalStore } from "react";
import {
  API_KEY_CHANGED_EVENT,
  API_KEY_HEADER,
  API_KEY_STORAGE_KEY,
  clearStoredApiKey,
  type KeyAccount,
  readStoredApiKey,
  type StoredApiKey,
  storeApiKey,
} from "../lib/chutesAuth.ts";
import { pickCredential } from "../lib/credentialPrecedence.ts";

export type ChutesSessionStatus = "loading" | "api-key" | "oauth" | "signed-out";

export interface ChutesUser {
  username: string | null;
  balance: number | null;
  /** "scoped" keys cannot read account details (Chutes answers 401 on /users/me for them). */
  scope: KeyAccount["scope"] | "oauth";
}

export interface ChutesSession {
  status: ChutesSessionStatus;
  user: ChutesUser | null;
  /** The key as it may be shown: `cpk_…` and its last four characters. */
  maskedKey: string | null;
  /** Changes whenever the winning credential changes; safe to use as a cache key (no secret in it). */
  credentialId: string;
  /** Headers that carry the winning credential to our server (empty for OAuth: the cookie does). */
  requestHeaders: () => Record<string, string>;
  setApiKey: (key: string, account: KeyAccount) => void;
  clearApiKey: () => void;
  refresh: () => void;
}

// localStorage is the store; every component using the hook re-renders when it changes, in this
// tab (custom event) or another one (`storage` event).
function subscribe(onChange: () => void): () => void {
  window.addEventListener(API_KEY_CHANGED_EVENT, onChange);
  window.addEventListener("storage", onChange);
  return () => {
    window.removeEventListener(API_KEY_CHANGED_EVENT, onChange);
    window.removeEventListener("storage", onChange);
  };
}

// Snapshots must be stable between renders, so compare by the raw stored string.
let lastRaw: string | null | undefined;
let lastParsed: StoredApiKey | null = null;
function getSnapshot(): StoredApiKey | null {
  const raw = window.localStorage.getItem(API_KEY_STORAGE_KEY);
  if (raw !== lastRaw) {
    lastRaw = raw;
    lastParsed = readStoredApiKey();
  }
  return lastParsed;
}

const LOADING = Symbol("loading");
function getServerSnapshot(): typeof LOADING {
  return LOADING;
}

export function useChutesSession(): ChutesSession {
  const stored = useSyncExternalStore<StoredApiKey | null | typeof LOADING>(
    subscribe,
    getSnapshot,
    getServerSnapshot,
  );

  const setApiKey = useCallback((key: string, account: KeyAccount) => {
    storeApiKey({ key, account, savedAt: new Date().toISOString() });
  }, []);
  const clearApiKey = useCallback(() => clearStoredApiKey(), []);
  const refresh = useCallback(() => {
    window.dispatchEvent(new Event(API_KEY_CHANGED_EVENT));
  }, []);

  return useMemo<ChutesSession>(() => {
    if (stored === LOADING) {
      return {
        status: "loading",
        user: null,
        maskedKey: null,
        credentialId: "loading",
        requestHeaders: () => ({}),
        setApiKey,
        clearApiKey,
        refresh,
      };
    }
    const credential = pickCredential({ apiKey: stored?.key ?? null, oauthToken: null });
    if (credential?.kind === "api-key" && stored) {
      const key = stored.key;
      const maskedKey = maskKey(key);
      return {
        status: "api-key",
        user: { ...stored.account },
        maskedKey,
        credentialId: `api-key:${maskedKey}:${stored.savedAt}`,
        requestHeaders: () => ({ [API_KEY_HEADER]: key }),
        setApiKey,
        clearApiKey,
        refresh,
      };
    }
    return {
      status: "signed-out",
      user: null,
      maskedKey: null,
      credentialId: "signed-out",
      requestHeaders: () => ({}),
      setApiKey,
      clearApiKey,
      refresh,
    };
  }, [stored, setApiKey, clearApiKey, refresh]);
}

export function maskKey(key: string): string {
  return `cpk_…${key.slice(-4)}`;
}
