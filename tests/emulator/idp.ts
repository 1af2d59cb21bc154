// "Sign in with Chutes" (protocol §1): discovery, authorize + consent, token, userinfo, introspect,
// revoke. The emulator's browser user is always signed in (settings.authorizeAs), so login is skipped.
import { createHash } from "node:crypto";
import type { RequestContext } from "./context.ts";
import { OAUTH_CLIENT } from "./fixtures.ts";
import { escapeHtml, isRecord, missingFields, redirect, sendDetail, sendHtml, sendJson } from "./http.ts";
import type { AuthorizationRequest, PkceMethod, TokenRecord } from "./oauth-store.ts";
import {
  canUseUserinfo,
  describeScope,
  parseScopes,
  SCOPE_DESCRIPTIONS,
  SCOPES_SUPPORTED,
  scopeProblem,
} from "./scopes.ts";

/** Privileged scopes granted to the emulator's app at registration (none, like a fresh app). */
const APP_ALLOWED_PRIVILEGED: readonly string[] = [];

export function discoveryDocument(base: string) {
  return {
    issuer: base,
    authorization_endpoint: `${base}/idp/authorize`,
    token_endpoint: `${base}/idp/token`,
    userinfo_endpoint: `${base}/idp/userinfo`,
    revocation_endpoint: `${base}/idp/token/revoke`,
    introspection_endpoint: `${base}/idp/token/introspect`,
    scopes_supported: [...SCOPES_SUPPORTED],
    response_types_supported: ["code"],
    response_modes_supported: ["query"],
    grant_types_supported: ["authorization_code", "refresh_token"],
    token_endpoint_auth_methods_supported: ["client_secret_post", "client_secret_basic", "none"],
    code_challenge_methods_supported: ["plain", "S256"],
    subject_types_supported: ["public"],
    claims_supported: ["sub", "username", "created_at"],
    service_documentation: "https://docs.chutes.ai/oauth",
  };
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}

function errorPage(ctx: RequestContext, error: string, description: string): void {
  sendHtml(
    ctx.res,
    400,
    page(
      "Authorization error",
      `<h1>Authorization error</h1>\n<p id="error">${escapeHtml(error)}</p>\n<p id="error_description">${escapeHtml(description)}</p>`,
    ),
  );
}

/** The authorization response back to the client; with issOnRedirect it names the issuer (RFC 9207). */
function authorizationResponse(ctx: RequestContext, uri: string, params: Record<string, string>): string {
  return withParams(uri, ctx.emu.settings.issOnRedirect ? { ...params, iss: ctx.emu.baseUrl() } : params);
}

/** redirect_uri plus query parameters (appended, since the registered URI is matched verbatim). */
function withParams(uri: string, params: Record<string, string>): string {
  const query = new URLSearchParams(Object.entries(params).filter(([, v]) => v !== "")).toString();
  return `${uri}${uri.includes("?") ? "&" : "?"}${query}`;
}

export function handleAuthorize(ctx: RequestContext) {
  const q = ctx.url.searchParams;
  const required = ["response_type", "client_id", "redirect_uri"].filter((name) => !q.get(name));
  if (required.length > 0) return sendDetail(ctx.res, 422, missingFields("query", required));
  const clientId = q.get("client_id") ?? "";
  const redirectUri = q.get("redirect_uri") ?? "";
  if (q.get("response_type") !== "code") {
    return errorPage(ctx, "unsupported_response_type", "Only response_type=code is supported");
  }
  if (clientId !== OAUTH_CLIENT.clientId)
    return errorPage(ctx, "invalid_client", "Unknown or inactive client_id");
  if (!ctx.emu.settings.redirectUris.includes(redirectUri)) {
    return errorPage(ctx, "invalid_redirect_uri", "redirect_uri is not registered for this application");
  }
  const challenge = q.get("code_challenge") || null;
  const method = q.get("code_challenge_method") || null;
  if (challenge !== null && method !== "S256" && method !== "plain") {
    // Unlike RFC 7636 a missing method does not default to plain.
    return errorPage(ctx, "invalid_request", "code_challenge_method must be S256 or plain");
  }
  const state = q.get("state") ?? "";
  const scopes = parseScopes(q.get("scope"));
  const problem = scopeProblem(scopes, APP_ALLOWED_PRIVILEGED);
  if (problem !== null) {
    return redirect(
      ctx.res,
      authorizationResponse(ctx, redirectUri, { error: "invalid_scope", error_description: problem, state }),
    );
  }
  const sessionId = ctx.emu.oauth.createSession({
    clientId,
    redirectUri,
    scopes,
    state,
    codeChallenge: challenge,
    codeChallengeMethod: challenge === null ? null : (method as PkceMethod),
    username: ctx.emu.settings.authorizeAs,
  });
  // What the real server does when the SSO cookie is present: straight to consent.
  redirect(ctx.res, `/idp/authorize/consent?session_id=${encodeURIComponent(sessionId)}`);
}

function consentPage(sessionId: string, request: AuthorizationRequest): string {
  const scopes = request.scopes
    .map((s) => `<li><code>${escapeHtml(s)}</code> – ${escapeHtml(describeScope(s))}</li>`)
    .join("\n");
  const action = `/idp/authorize/consent?session_id=${encodeURIComponent(sessionId)}`;
  return page(
    `Authorize ${OAUTH_CLIENT.name}`,
    `<h1>Authorize ${escapeHtml(OAUTH_CLIENT.name)}</h1>
<p><strong>${escapeHtml(OAUTH_CLIENT.name)}</strong> wants to access your Chutes account
(signed in as <strong>${escapeHtml(request.username)}</strong>).</p>
<p>It is asking for:</p>
<ul>
${scopes}
</ul>
<p>Refresh tokens for this application are valid for ${OAUTH_CLIENT.refreshTokenLifetimeDays} days.</p>
<form method="post" action="${escapeHtml(action)}">
<button type="submit" name="action" value="deny">Deny</button>
<button type="submit" name="action" value="allow">Allow</button>
</form>`,
  );
}

const sessionIdOf = (ctx: RequestContext): string => ctx.url.searchParams.get("session_id") ?? "";

export function handleConsentPage(ctx: RequestContext) {
  const sessionId = sessionIdOf(ctx);
  const request = ctx.emu.oauth.peekSession(sessionId);
  if (!request) return errorPage(ctx, "invalid_request", "Authorization session expired or not found");
  sendHtml(ctx.res, 200, consentPage(sessionId, request));
}

export function handleConsent(ctx: RequestContext) {
  const fields = formFields(ctx);
  if (!fields?.action) return sendDetail(ctx.res, 422, missingFields("body", ["action"]));
  const request = ctx.emu.oauth.takeSession(sessionIdOf(ctx));
  if (!request) return errorPage(ctx, "invalid_request", "Authorization session expired or not found");
  if (fields.action !== "allow") {
    return redirect(
      ctx.res,
      authorizationResponse(ctx, request.redirectUri, {
        error: "access_denied",
        error_description: "User denied the request",
        state: request.state,
      }),
    );
  }
  const code = ctx.emu.oauth.issueCode(request);
  redirect(ctx.res, authorizationResponse(ctx, request.redirectUri, { code, state: request.state }));
}

/** Form fields as strings, or undefined when the body is not form-encoded (FastAPI Form -> 422). */
function formFields(ctx: RequestContext): Record<string, string> | undefined {
  if (ctx.body.kind !== "form" || !isRecord(ctx.body.value)) return undefined;
  return ctx.body.value as Record<string, string>;
}

function basicCredentials(header: string | undefined): { id?: string; secret?: string } {
  if (!header?.startsWith("Basic ")) return {};
  const decoded = Buffer.from(header.slice(6).trim(), "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return {};
  const decode = (s: string) => {
    try {
      return decodeURIComponent(s.replaceAll("+", " "));
    } catch {
      return s;
    }
  };
  return { id: decode(decoded.slice(0, colon)), secret: decode(decoded.slice(colon + 1)) };
}

const oauthError = (ctx: RequestContext, error: string, description?: string): void =>
  sendJson(ctx.res, 400, description ? { error, error_description: description } : { error });

function pkceMatches(verifier: string | undefined, challenge: string, method: PkceMethod | null): boolean {
  if (!verifier) return false;
  if (method === "plain") return verifier === challenge;
  return createHash("sha256").update(verifier).digest("base64url") === challenge;
}

export function handleToken(ctx: RequestContext) {
  const fields = formFields(ctx);
  if (!fields?.grant_type) return sendDetail(ctx.res, 422, missingFields("body", ["grant_type"]));
  const basic = basicCredentials(ctx.req.headers.authorization);
  // Form fields win over HTTP Basic.
  const clientId = fields.client_id || basic.id || "";
  const clientSecret = fields.client_secret || basic.secret || "";
  const { emu } = ctx;

  if (fields.grant_type === "authorization_code") {
    if (!fields.code || !fields.redirect_uri || !clientId) {
      return oauthError(ctx, "invalid_request", "Missing required parameters");
    }
    if (clientId !== OAUTH_CLIENT.clientId) return oauthError(ctx, "invalid_client");
    const grant = emu.oauth.takeCode(fields.code);
    if (!grant) return oauthError(ctx, "invalid_grant");
    if (grant.clientId !== clientId) return oauthError(ctx, "invalid_client");
    if (grant.redirectUri !== fields.redirect_uri) return oauthError(ctx, "invalid_grant");
    if (grant.codeChallenge !== null) {
      // With PKCE the secret is not checked at all, even a wrong one.
      if (!pkceMatches(fields.code_verifier, grant.codeChallenge, grant.codeChallengeMethod)) {
        return oauthError(ctx, "invalid_grant");
      }
    } else if (clientSecret !== OAUTH_CLIENT.clientSecret) {
      return oauthError(ctx, "invalid_client");
    }
    emu.oauth.counters.codeExchanges++;
    return issue(ctx, grant);
  }

  if (fields.grant_type === "refresh_token") {
    if (!fields.refresh_token || !clientId)
      return oauthError(ctx, "invalid_request", "Missing required parameters");
    // Every app has a secret, so refresh without it is invalid_client.
    if (clientId !== OAUTH_CLIENT.clientId || clientSecret !== OAUTH_CLIENT.clientSecret) {
      return oauthError(ctx, "invalid_client");
    }
    const record = emu.oauth.find(fields.refresh_token);
    if (record?.kind !== "refresh" || !emu.oauth.isActive(record)) {
      emu.oauth.counters.refreshFailures++;
      return oauthError(ctx, "invalid_grant");
    }
    if (record.clientId !== clientId) return oauthError(ctx, "invalid_client");
    // Rotation without a grace window: the old refresh token is spent now.
    record.used = true;
    emu.oauth.counters.refreshesPerformed++;
    return issue(ctx, record);
  }

  oauthError(ctx, "unsupported_grant_type");
}

function issue(ctx: RequestContext, grant: { username: string; clientId: string; scopes: string[] }): void {
  const { settings, oauth } = ctx.emu;
  const tokens = oauth.issueTokens(grant, settings.accessTokenTtlSeconds, settings.refreshTokenTtlSeconds);
  sendJson(ctx.res, 200, {
    access_token: tokens.accessToken,
    token_type: "Bearer",
    expires_in: Math.ceil(settings.accessTokenTtlSeconds),
    refresh_token: tokens.refreshToken,
    scope: grant.scopes.length > 0 ? grant.scopes.join(" ") : null,
  });
}

export function handleUserinfo(ctx: RequestContext) {
  const header = ctx.req.headers.authorization;
  if (!header?.startsWith("Bearer "))
    return sendDetail(ctx.res, 401, "Missing or invalid authorization header");
  const record = ctx.emu.oauth.activeAccessToken(header.slice("Bearer ".length).trim());
  const user = record ? ctx.emu.accounts.user(record.username) : undefined;
  if (!record || !user) return sendDetail(ctx.res, 401, "Invalid or expired token");
  if (!canUseUserinfo(record.scopes)) {
    return sendDetail(ctx.res, 403, "Token does not have required scope (openid, profile, or account:read)");
  }
  sendJson(ctx.res, 200, { sub: user.userId, username: user.username, created_at: user.createdAt });
}

const unix = (ms: number): number => Math.floor(ms / 1000);

function introspection(record: TokenRecord, sub: string) {
  return {
    active: true,
    token_type: record.kind === "access" ? "access_token" : "refresh_token",
    exp: unix(record.expiresAt),
    iat: unix(record.issuedAt),
    scope: record.scopes.join(" "),
    client_id: record.clientId,
    username: record.username,
    sub,
  };
}

export function handleIntrospect(ctx: RequestContext) {
  const fields = formFields(ctx);
  if (!fields?.token) return sendDetail(ctx.res, 422, missingFields("body", ["token"]));
  if (fields.client_id && fields.client_secret) {
    if (fields.client_id !== OAUTH_CLIENT.clientId || fields.client_secret !== OAUTH_CLIENT.clientSecret) {
      return sendJson(ctx.res, 401, { error: "invalid_client" });
    }
  }
  const record = ctx.emu.oauth.find(fields.token);
  const user = record ? ctx.emu.accounts.user(record.username) : undefined;
  if (!record || !user || !ctx.emu.oauth.isActive(record)) return sendJson(ctx.res, 200, { active: false });
  sendJson(ctx.res, 200, introspection(record, user.userId));
}

export function handleRevoke(ctx: RequestContext) {
  const fields = formFields(ctx);
  if (!fields?.token) return sendDetail(ctx.res, 422, missingFields("body", ["token"]));
  // Client credentials are optional on Chutes, but checked when sent; a strict RFC 7009 server
  // (revokeRequiresClientAuth) refuses without them.
  const basic = basicCredentials(ctx.req.headers.authorization);
  const clientId = fields.client_id || basic.id;
  const clientSecret = fields.client_secret || basic.secret;
  const sent = clientId !== undefined || clientSecret !== undefined;
  if (sent || ctx.emu.settings.revokeRequiresClientAuth) {
    if (clientId !== OAUTH_CLIENT.clientId || clientSecret !== OAUTH_CLIENT.clientSecret) {
      return sendJson(ctx.res, 401, { error: "invalid_client" });
    }
  }
  ctx.emu.oauth.revoke(fields.token);
  // Always 200, even for unknown tokens.
  sendJson(ctx.res, 200, { revoked: true });
}

export function handleScopes(ctx: RequestContext) {
  sendJson(ctx.res, 200, { scopes: { ...SCOPE_DESCRIPTIONS } });
}
