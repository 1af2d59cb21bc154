import "server-only";
import { API_KEY_HEADER, checkApiKeyFormat } from "./chutesAuth.ts";
import { type Credential, pickCredential } from "./credentialPrecedence.ts";
import { type AppError, appError } from "./errors.ts";

export type CredentialResolution = { ok: true; credential: Credential } | { ok: false; error: AppError };

/**
 * The only way a route learns whose Chutes account pays: the pasted key from the request header,
 * else the signed-in OAuth session, else nothing. Every route that calls Chutes uses this.
 */
export async function resolveCredential(request: Request): Promise<CredentialResolution> {
  const header = request.headers.get(API_KEY_HEADER);
  let apiKey: string | null = null;
  if (header !== null && header.trim() !== "") {
    const check = checkApiKeyFormat(header);
    if (!check.ok) return { ok: false, error: appError("invalid_key_format") };
    apiKey = check.key;
  }
  const credential = pickCredential({ apiKey, oauthToken: null });
  return credential ? { ok: true, credential } : { ok: false, error: appError("no_credential") };
}
