import type { ProviderId } from "../errors.ts";

// Whose credential pays for a request: the whole rule, in one pure function that the browser
// (deciding what to send) and the server (deciding what to use) both call.

export type CredentialKind = "api-key" | "oauth";

export interface Credential {
  provider: ProviderId;
  kind: CredentialKind;
  token: string;
}

export interface CredentialSources {
  /** A pasted Chutes key. */
  chutesKey?: string | null;
  /** The Sign in with Chutes access token (the browser passes a marker: it never holds the token). */
  oauthToken?: string | null;
  openRouterKey?: string | null;
  /** The provider the user connected last or switched to. */
  preferred?: ProviderId | null;
}

/**
 * For Chutes, a pasted key wins over the OAuth session. Between providers, the preferred one
 * answers when both are connected; otherwise whichever is connected. Null: signed out.
 */
export function pickCredential(sources: CredentialSources): Credential | null {
  const chutes: Credential | null = sources.chutesKey
    ? { provider: "chutes", kind: "api-key", token: sources.chutesKey }
    : sources.oauthToken
      ? { provider: "chutes", kind: "oauth", token: sources.oauthToken }
      : null;
  const openrouter: Credential | null = sources.openRouterKey
    ? { provider: "openrouter", kind: "api-key", token: sources.openRouterKey }
    : null;
  if (chutes && openrouter) return sources.preferred === "openrouter" ? openrouter : chutes;
  return chutes ?? openrouter;
}
