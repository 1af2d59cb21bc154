import "server-only";
import type { NextRequest } from "next/server";
import { type ChutesJwt, ensureFreshChutesTokens, type RefreshSettings } from "./auth/oauthSession.ts";
import { readSessionJwt, sessionSetCookie } from "./auth/sessionCookie.ts";
import { API_KEY_HEADER, checkApiKeyFormat } from "./chutesAuth.ts";
import type { AppConfig } from "./config.ts";
import { type Credential, pickCredential } from "./credentialPrecedence.ts";
import { type AppError, appError } from "./errors.ts";
import { checkOpenRouterKeyFormat, OPENROUTER_KEY_HEADER, PROVIDER_HEADER } from "./openrouterAuth.ts";

type Settings = RefreshSettings & Pick<AppConfig, "NEXTAUTH_URL" | "NEXTAUTH_SECRET">;

export type CredentialResolution = (
  | { ok: true; credential: Credential; session?: ChutesJwt }
  | { ok: false; error: AppError }
) & {
  /** A rotated (or ended) OAuth session: the response must carry this cookie back. */
  setCookie?: string;
};

/**
 * The only way a route learns whose Chutes account pays: the pasted key from the request header,
 * else the signed-in OAuth session (refreshed if it is about to expire), else nothing. Every route
 * that calls Chutes uses this and nothing else.
 */
export async function resolveCredential(
  request: NextRequest,
  settings: Settings,
): Promise<CredentialResolution> {
  if (request.headers.get(PROVIDER_HEADER) === "openrouter") return resolveOpenRouterKey(request);
  const header = request.headers.get(API_KEY_HEADER);
  let apiKey: string | null = null;
  if (header !== null && header.trim() !== "") {
    const check = checkApiKeyFormat(header);
    if (!check.ok) return { ok: false, error: appError("invalid_key_format") };
    apiKey = check.key;
  }

  // The key wins, so the session is only read (and possibly refreshed) when there is no key.
  const jwt = apiKey ? null : await readSessionJwt(request, settings);
  let session: ChutesJwt | undefined;
  let setCookie: string | undefined;
  if (jwt) {
    const fresh = await ensureFreshChutesTokens(jwt, settings);
    session = fresh.jwt;
    if (fresh.changed) setCookie = (await sessionSetCookie(fresh.jwt, settings)) ?? undefined;
  }

  const credential = pickCredential({ apiKey, oauthToken: session?.chutes?.accessToken });
  if (credential) return { ok: true, credential, session, setCookie };
  const ended = session?.chutesError === "session_ended";
  return { ok: false, error: appError(ended ? "session_expired" : "no_credential"), setCookie };
}

/** OpenRouter, the second provider, has one way in: the user's pasted key. */
function resolveOpenRouterKey(request: NextRequest): CredentialResolution {
  const header = request.headers.get(OPENROUTER_KEY_HEADER)?.trim() ?? "";
  if (!header) return { ok: false, error: appError("no_credential", undefined, "openrouter") };
  const check = checkOpenRouterKeyFormat(header);
  if (!check.ok) return { ok: false, error: appError("invalid_key_format", check.message, "openrouter") };
  return { ok: true, credential: { provider: "openrouter", kind: "api-key", token: check.key } };
}

/**
 * After Chutes answered 401 to an OAuth token (revoked or expired early): refresh once and return
 * the new credential, or null when the session has ended.
 */
export async function refreshAfterUnauthorized(
  session: ChutesJwt,
  settings: Settings,
): Promise<{ credential: Credential | null; setCookie?: string }> {
  const fresh = await ensureFreshChutesTokens(session, settings, { force: true });
  const setCookie = fresh.changed ? ((await sessionSetCookie(fresh.jwt, settings)) ?? undefined) : undefined;
  const token = fresh.jwt.chutes?.accessToken;
  return { credential: token ? { provider: "chutes", kind: "oauth", token } : null, setCookie };
}
