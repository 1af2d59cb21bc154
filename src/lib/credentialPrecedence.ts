// The precedence rule, in one place for server and client: a pasted API key wins over the OAuth
// session; without either, the user is signed out.

import type { ProviderId } from "./errors.ts";

export type CredentialKind = "api-key" | "oauth";

export interface Credential {
  provider: ProviderId;
  kind: CredentialKind;
  token: string;
}

/** For Chutes: the pasted key wins over the OAuth session. */
export function pickCredential(sources: {
  apiKey?: string | null;
  oauthToken?: string | null;
}): Credential | null {
  if (sources.apiKey) return { provider: "chutes", kind: "api-key", token: sources.apiKey };
  if (sources.oauthToken) return { provider: "chutes", kind: "oauth", token: sources.oauthToken };
  return null;
}
