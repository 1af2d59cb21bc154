// The precedence rule, in one place for server and client: a pasted API key wins over the OAuth
// session; without either, the user is signed out.

export type CredentialKind = "api-key" | "oauth";

export interface Credential {
  kind: CredentialKind;
  token: string;
}

export function pickCredential(sources: { apiKey?: string | null; oauthToken?: string | null }): Credential | null {
  if (sources.apiKey) return { kind: "api-key", token: sources.apiKey };
  if (sources.oauthToken) return { kind: "oauth", token: sources.oauthToken };
  return null;
}
