import "server-only";
import type { NextRequest } from "next/server";
import { type ChutesJwt, ensureFreshChutesTokens, type RefreshSettings } from "../auth/oauthSession.ts";
import { readSessionJwt, sessionSetCookie } from "../auth/sessionCookie.ts";
import type { AppConfig } from "../config.ts";
import { type AppError, appError, type ProviderId } from "../errors.ts";
import { type Credential, pickCredential } from "./precedence.ts";
import { PROVIDER_HEADER, PROVIDER_TABLE } from "./providers.ts";

// The server's side of the credential rule: what the request carries (a pasted key in its
// provider's header, or the Sign in with Chutes session cookie, refreshed when about to expire),
// decided by the same `pickCredential` the browser uses.

type Settings = RefreshSettings & Pick<AppConfig, "NEXTAUTH_URL" | "NEXTAUTH_SECRET">;

export type CredentialResolution = (
  | { ok: true; credential: Credential; session?: ChutesJwt }
  | { ok: false; error: AppError }
) & {
  /** A rotated (or ended) OAuth session: the response must carry this cookie back. */
  setCookie?: string;
};

type HeaderKey = { ok: true; key: string | null } | { ok: false; error: AppError };

function keyFromHeader(request: Request, provider: ProviderId): HeaderKey {
  const spec = PROVIDER_TABLE[provider];
  const raw = request.headers.get(spec.header)?.trim() ?? "";
  if (!raw) return { ok: true, key: null };
  const check = spec.checkFormat(raw);
  if (!check.ok) return { ok: false, error: appError("invalid_key_format", check.message, provider) };
  return { ok: true, key: check.key };
}

export async function resolveCredential(
  request: NextRequest,
  settings: Settings,
): Promise<CredentialResolution> {
  // The browser has already applied the rule between providers; it says which one it chose.
  const preferred: ProviderId =
    request.headers.get(PROVIDER_HEADER) === "openrouter" ? "openrouter" : "chutes";
  if (preferred === "openrouter") {
    const openRouter = keyFromHeader(request, "openrouter");
    if (!openRouter.ok) return openRouter;
    const credential = pickCredential({ openRouterKey: openRouter.key, preferred });
    return credential
      ? { ok: true, credential }
      : { ok: false, error: appError("no_credential", undefined, "openrouter") };
  }

  const chutesKey = keyFromHeader(request, "chutes");
  if (!chutesKey.ok) return chutesKey;
  // The key wins, so the session is only read (and possibly refreshed) when there is no key.
  const jwt = chutesKey.key ? null : await readSessionJwt(request, settings);
  let session: ChutesJwt | undefined;
  let setCookie: string | undefined;
  if (jwt) {
    const fresh = await ensureFreshChutesTokens(jwt, settings);
    session = fresh.jwt;
    if (fresh.changed) setCookie = (await sessionSetCookie(fresh.jwt, settings)) ?? undefined;
  }

  const credential = pickCredential({
    chutesKey: chutesKey.key,
    oauthToken: session?.chutes?.accessToken,
    preferred,
  });
  if (credential) return { ok: true, credential, session, setCookie };
  const ended = session?.chutesError === "session_ended";
  return { ok: false, error: appError(ended ? "session_expired" : "no_credential"), setCookie };
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
