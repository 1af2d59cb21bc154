"use client";

import { useSession } from "next-auth/react";
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
import type { ProviderId } from "../lib/errors.ts";
import {
  OPENROUTER_KEY_HEADER,
  OPENROUTER_KEY_STORAGE_KEY,
  type OpenRouterAccount,
  openRouterKeyStore,
  PROVIDER_HEADER,
  PROVIDER_PREFERENCE_KEY,
  type StoredOpenRouterKey,
} from "../lib/openrouterAuth.ts";

/** "openrouter": chatting through OpenRouter with a pasted OpenRouter key (the second provider). */
export type ChutesSessionStatus = "loading" | "api-key" | "oauth" | "openrouter" | "signed-out";

export interface ChutesUser {
  username: string | null;
  balance: number | null;
  /** "scoped" keys cannot read account details (Chutes answers 401 on /users/me for them). */
  scope: KeyAccount["scope"] | "oauth" | "openrouter";
}

export interface ChutesSession {
  status: ChutesSessionStatus;
  user: ChutesUser | null;
  /** The key as it may be shown: `cpk_…` and its last four characters. */
  maskedKey: string | null;
  /** Changes whenever the winning credential changes; safe to use as a cache key (no secret in it). */
  credentialId: string;
  /** The "Sign in with Chutes" user, when that session exists (a key may still outrank it). */
  oauthUsername: string | null;
  /** The OAuth session ended (refresh refused): the UI offers to sign in again. */
  sessionEnded: boolean;
  /** A Chutes key or OAuth session exists (OpenRouter may be the one in use). */
  chutesConnected: boolean;
  /** Which provider answers: Chutes (key or OAuth) or OpenRouter; null when signed out. */
  provider: ProviderId | null;
  /** The saved OpenRouter key, masked, and what OpenRouter said about it. */
  openRouter: { maskedKey: string; account: OpenRouterAccount } | null;
  setOpenRouterKey: (key: string, account: OpenRouterAccount) => void;
  clearOpenRouterKey: () => void;
  /** When both providers are connected, which one answers. */
  preferProvider: (provider: ProviderId) => void;
  /** Headers that carry the winning credential to our server (empty for OAuth: the cookie does). */
  requestHeaders: () => Record<string, string>;
  setApiKey: (key: string, account: KeyAccount) => void;
  clearApiKey: () => void;
  /** Re-read the key and the OAuth session (e.g. after the server said the session ended). */
  refresh: () => void;
}

// localStorage holds the key; every component using the hook re-renders when it changes, in this
// tab (custom event) or another one (`storage` event).
function subscribe(onChange: () => void): () => void {
  window.addEventListener(API_KEY_CHANGED_EVENT, onChange);
  window.addEventListener("storage", onChange);
  return () => {
    window.removeEventListener(API_KEY_CHANGED_EVENT, onChange);
    window.removeEventListener("storage", onChange);
  };
}

interface StoredCredentials {
  chutes: StoredApiKey | null;
  openRouter: StoredOpenRouterKey | null;
  preference: ProviderId | null;
}

// Snapshots must be stable between renders, so compare by the raw stored strings.
let lastRaw: string | undefined;
let lastParsed: StoredCredentials = { chutes: null, openRouter: null, preference: null };
function getSnapshot(): StoredCredentials {
  const storage = window.localStorage;
  const preference = storage.getItem(PROVIDER_PREFERENCE_KEY);
  const raw = JSON.stringify([
    storage.getItem(API_KEY_STORAGE_KEY),
    storage.getItem(OPENROUTER_KEY_STORAGE_KEY),
    preference,
  ]);
  if (raw !== lastRaw) {
    lastRaw = raw;
    lastParsed = {
      chutes: readStoredApiKey(),
      openRouter: openRouterKeyStore.read(),
      preference: preference === "openrouter" || preference === "chutes" ? preference : null,
    };
  }
  return lastParsed;
}

function setPreference(provider: ProviderId): void {
  window.localStorage.setItem(PROVIDER_PREFERENCE_KEY, provider);
  window.dispatchEvent(new Event(API_KEY_CHANGED_EVENT));
}

const LOADING = Symbol("loading");
function getServerSnapshot(): typeof LOADING {
  return LOADING;
}

/** The browser never holds the OAuth token; this only marks that the server-side session exists. */
const OAUTH_SESSION = "server-side-session";

export function useChutesSession(): ChutesSession {
  const snapshot = useSyncExternalStore<StoredCredentials | typeof LOADING>(
    subscribe,
    getSnapshot,
    getServerSnapshot,
  );
  const { data: auth, status: authStatus, update } = useSession();

  const setApiKey = useCallback((key: string, account: KeyAccount) => {
    storeApiKey({ key, account, savedAt: new Date().toISOString() });
    setPreference("chutes");
  }, []);
  const clearApiKey = useCallback(() => clearStoredApiKey(), []);
  const setOpenRouterKey = useCallback((key: string, account: OpenRouterAccount) => {
    openRouterKeyStore.store({ key, account, savedAt: new Date().toISOString() });
    setPreference("openrouter");
  }, []);
  const clearOpenRouterKey = useCallback(() => openRouterKeyStore.clear(), []);
  const refresh = useCallback(() => {
    window.dispatchEvent(new Event(API_KEY_CHANGED_EVENT));
    void update();
  }, [update]);

  return useMemo<ChutesSession>(() => {
    const oauthUser = auth?.chutes ?? null;
    const chutesKey = snapshot === LOADING ? null : snapshot.chutes;
    const orKey = snapshot === LOADING ? null : snapshot.openRouter;
    const base = {
      oauthUsername: oauthUser?.username ?? null,
      sessionEnded: auth?.chutesError === "session_ended",
      chutesConnected: Boolean(chutesKey || oauthUser),
      openRouter: orKey ? { maskedKey: maskOpenRouterKey(orKey.key), account: orKey.account } : null,
      setApiKey,
      clearApiKey,
      setOpenRouterKey,
      clearOpenRouterKey,
      preferProvider: setPreference,
      refresh,
    };
    const signedOut = { ...base, provider: null, user: null, maskedKey: null, requestHeaders: () => ({}) };

    // A stored key wins, so it needs no wait for the OAuth session to load.
    if (snapshot === LOADING || (!chutesKey && !orKey && authStatus === "loading")) {
      return { ...signedOut, status: "loading", credentialId: "loading" };
    }
    const credential = pickCredential({
      apiKey: chutesKey?.key,
      oauthToken: oauthUser ? OAUTH_SESSION : null,
    });

    // Between providers, the one connected last answers (or the one the user switched to).
    if (orKey && (!credential || snapshot.preference === "openrouter")) {
      const key = orKey.key;
      return {
        ...base,
        provider: "openrouter",
        status: "openrouter",
        user: { username: null, balance: orKey.account.creditRemaining, scope: "openrouter" },
        maskedKey: null,
        credentialId: `openrouter:${maskOpenRouterKey(key)}:${orKey.savedAt}`,
        requestHeaders: () => ({ [PROVIDER_HEADER]: "openrouter", [OPENROUTER_KEY_HEADER]: key }),
      };
    }
    if (credential?.kind === "api-key" && chutesKey) {
      const key = chutesKey.key;
      const maskedKey = maskKey(key);
      return {
        ...base,
        provider: "chutes",
        status: "api-key",
        user: { ...chutesKey.account },
        maskedKey,
        credentialId: `api-key:${maskedKey}:${chutesKey.savedAt}`,
        requestHeaders: () => ({ [API_KEY_HEADER]: key }),
      };
    }
    if (credential?.kind === "oauth" && oauthUser) {
      return {
        ...base,
        provider: "chutes",
        status: "oauth",
        user: { username: oauthUser.username, balance: null, scope: "oauth" },
        maskedKey: null,
        credentialId: `oauth:${oauthUser.userId}`,
        requestHeaders: () => ({}),
      };
    }
    return { ...signedOut, status: "signed-out", credentialId: "signed-out" };
  }, [snapshot, auth, authStatus, setApiKey, clearApiKey, setOpenRouterKey, clearOpenRouterKey, refresh]);
}

export function maskKey(key: string): string {
  return `cpk_…${key.slice(-4)}`;
}

export function maskOpenRouterKey(key: string): string {
  return `sk-or-…${key.slice(-4)}`;
}
