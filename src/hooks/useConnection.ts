"use client";

import { useSession } from "next-auth/react";
import { useCallback, useMemo, useSyncExternalStore } from "react";
import type { KeyAccount } from "../lib/chutesAuth.ts";
import {
  KEYS_CHANGED_EVENT,
  keyStores,
  readPreferredProvider,
  type StoredKey,
  storePreferredProvider,
} from "../lib/credentials/keyStore.ts";
import { pickCredential } from "../lib/credentials/precedence.ts";
import { PROVIDER_HEADER, PROVIDER_PREFERENCE_KEY, PROVIDER_TABLE } from "../lib/credentials/providers.ts";
import type { ProviderId } from "../lib/errors.ts";
import type { OpenRouterAccount } from "../lib/openrouterAuth.ts";

// The browser's view of whose credential pays: the pasted keys in localStorage, the Sign in with
// Chutes session (whose token stays on the server), and the provider preference, decided by the
// same `pickCredential` the server uses.

/** "openrouter": chatting through OpenRouter with a pasted OpenRouter key (the second provider). */
export type ConnectionStatus = "loading" | "api-key" | "oauth" | "openrouter" | "signed-out";

export interface ConnectedUser {
  username: string | null;
  balance: number | null;
  /** "scoped" keys cannot read account details (Chutes answers 401 on /users/me for them). */
  scope: KeyAccount["scope"] | "oauth" | "openrouter";
}

export interface Connection {
  status: ConnectionStatus;
  user: ConnectedUser | null;
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
  window.addEventListener(KEYS_CHANGED_EVENT, onChange);
  window.addEventListener("storage", onChange);
  return () => {
    window.removeEventListener(KEYS_CHANGED_EVENT, onChange);
    window.removeEventListener("storage", onChange);
  };
}

interface StoredCredentials {
  chutes: StoredKey<KeyAccount> | null;
  openRouter: StoredKey<OpenRouterAccount> | null;
  preference: ProviderId | null;
}

// Snapshots must be stable between renders, so compare by the raw stored strings.
let lastRaw: string | undefined;
let lastParsed: StoredCredentials = { chutes: null, openRouter: null, preference: null };
function getSnapshot(): StoredCredentials {
  const storage = window.localStorage;
  const raw = JSON.stringify([
    storage.getItem(PROVIDER_TABLE.chutes.storageKey),
    storage.getItem(PROVIDER_TABLE.openrouter.storageKey),
    storage.getItem(PROVIDER_PREFERENCE_KEY),
  ]);
  if (raw !== lastRaw) {
    lastRaw = raw;
    lastParsed = {
      chutes: keyStores.chutes.read(),
      openRouter: keyStores.openrouter.read(),
      preference: readPreferredProvider(),
    };
  }
  return lastParsed;
}

const setPreference = (provider: ProviderId) => storePreferredProvider(provider);

const LOADING = Symbol("loading");
function getServerSnapshot(): typeof LOADING {
  return LOADING;
}

/** The browser never holds the OAuth token; this only marks that the server-side session exists. */
const OAUTH_SESSION = "server-side-session";

export function useConnection(): Connection {
  const snapshot = useSyncExternalStore<StoredCredentials | typeof LOADING>(
    subscribe,
    getSnapshot,
    getServerSnapshot,
  );
  const { data: auth, status: authStatus, update } = useSession();

  const setApiKey = useCallback((key: string, account: KeyAccount) => {
    keyStores.chutes.store({ key, account, savedAt: new Date().toISOString() });
    setPreference("chutes");
  }, []);
  const clearApiKey = useCallback(() => keyStores.chutes.clear(), []);
  const setOpenRouterKey = useCallback((key: string, account: OpenRouterAccount) => {
    keyStores.openrouter.store({ key, account, savedAt: new Date().toISOString() });
    setPreference("openrouter");
  }, []);
  const clearOpenRouterKey = useCallback(() => keyStores.openrouter.clear(), []);
  const refresh = useCallback(() => {
    window.dispatchEvent(new Event(KEYS_CHANGED_EVENT));
    void update();
  }, [update]);

  return useMemo<Connection>(() => {
    const oauthUser = auth?.chutes ?? null;
    const chutesKey = snapshot === LOADING ? null : snapshot.chutes;
    const orKey = snapshot === LOADING ? null : snapshot.openRouter;
    const base = {
      oauthUsername: oauthUser?.username ?? null,
      sessionEnded: auth?.chutesError === "session_ended",
      chutesConnected: Boolean(chutesKey || oauthUser),
      openRouter: orKey
        ? { maskedKey: PROVIDER_TABLE.openrouter.maskKey(orKey.key), account: orKey.account }
        : null,
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
      chutesKey: chutesKey?.key,
      oauthToken: oauthUser ? OAUTH_SESSION : null,
      openRouterKey: orKey?.key,
      preferred: snapshot.preference,
    });

    if (credential?.provider === "openrouter" && orKey) {
      const key = orKey.key;
      const maskedKey = PROVIDER_TABLE.openrouter.maskKey(key);
      return {
        ...base,
        provider: "openrouter",
        status: "openrouter",
        user: { username: null, balance: orKey.account.creditRemaining, scope: "openrouter" },
        maskedKey: null,
        credentialId: `openrouter:${maskedKey}:${orKey.savedAt}`,
        requestHeaders: () => ({ [PROVIDER_HEADER]: "openrouter", [PROVIDER_TABLE.openrouter.header]: key }),
      };
    }
    if (credential?.kind === "api-key" && chutesKey) {
      const key = chutesKey.key;
      const maskedKey = PROVIDER_TABLE.chutes.maskKey(key);
      return {
        ...base,
        provider: "chutes",
        status: "api-key",
        user: { ...chutesKey.account },
        maskedKey,
        credentialId: `api-key:${maskedKey}:${chutesKey.savedAt}`,
        requestHeaders: () => ({ [PROVIDER_TABLE.chutes.header]: key }),
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
