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

/** "openrouter": chatting through OpenRouter with a pasted OpenRouter key (the second provider). */
export type ChutesSessionStatus = "loading" | "api-key" | "oauth" | "openrouter" | "signed-out";

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
  /** The "Sign in with Chutes" user, when that session exists (a key may still outrank it). */
  oauthUsername: string | null;
  /** The OAuth session ended (refresh refused): the UI offers to sign in again. */
  sessionEnded: boolean;
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

/** The browser never holds the OAuth token; this only marks that the server-side session exists. */
const OAUTH_SESSION = "server-side-session";

export function useChutesSession(): ChutesSession {
  const stored = useSyncExternalStore<StoredApiKey | null | typeof LOADING>(
    subscribe,
    getSnapshot,
    getServerSnapshot,
  );
  const { data: auth, status: authStatus, update } = useSession();

  const setApiKey = useCallback((key: string, account: KeyAccount) => {
    storeApiKey({ key, account, savedAt: new Date().toISOString() });
  }, []);
  const clearApiKey = useCallback(() => clearStoredApiKey(), []);
  const refresh = useCallback(() => {
    window.dispatchEvent(new Event(API_KEY_CHANGED_EVENT));
    void update();
  }, [update]);

  return useMemo<ChutesSession>(() => {
    const oauthUser = auth?.chutes ?? null;
    const base = {
      oauthUsername: oauthUser?.username ?? null,
      sessionEnded: auth?.chutesError === "session_ended",
      setApiKey,
      clearApiKey,
      refresh,
    };
    const storedKey = stored === LOADING ? null : stored;
    // The key wins, so a stored key needs no wait for the OAuth session to load.
    if (stored === LOADING || (!storedKey && authStatus === "loading")) {
      return {
        ...base,
        status: "loading",
        user: null,
        maskedKey: null,
        credentialId: "loading",
        requestHeaders: () => ({}),
      };
    }
    const credential = pickCredential({
      apiKey: storedKey?.key,
      oauthToken: oauthUser ? OAUTH_SESSION : null,
    });
    if (credential?.kind === "api-key" && storedKey) {
      const key = storedKey.key;
      const maskedKey = maskKey(key);
      return {
        ...base,
        status: "api-key",
        user: { ...storedKey.account },
        maskedKey,
        credentialId: `api-key:${maskedKey}:${storedKey.savedAt}`,
        requestHeaders: () => ({ [API_KEY_HEADER]: key }),
      };
    }
    if (credential?.kind === "oauth" && oauthUser) {
      return {
        ...base,
        status: "oauth",
        user: { username: oauthUser.username, balance: null, scope: "oauth" },
        maskedKey: null,
        credentialId: `oauth:${oauthUser.userId}`,
        requestHeaders: () => ({}),
      };
    }
    return {
      ...base,
      status: "signed-out",
      user: null,
      maskedKey: null,
      credentialId: "signed-out",
      requestHeaders: () => ({}),
    };
  }, [stored, auth, authStatus, setApiKey, clearApiKey, refresh]);
}

export function maskKey(key: string): string {
  return `cpk_…${key.slice(-4)}`;
}
