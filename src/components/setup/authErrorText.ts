// Why the last "Sign in with Chutes" attempt failed, from the `authError` the proxy and the
// next-auth route set: the IdP's own RFC 6749 code (access_denied), a cause the server named
// (oauth_*, see src/lib/auth/signInFailure.ts), or next-auth's own code (OAuthCallback, ...).

const MESSAGES: Record<string, string> = {
  // From the IdP, on the redirect back.
  access_denied:
    "You declined access on Chutes, so you are not signed in. Sign in again and choose Allow, or use an API key.",
  invalid_scope:
    "Chutes refused the permissions this app asked for. The operator should check CHUTES_OAUTH_SCOPES.",
  // Named by the server from next-auth's callback error.
  oauth_state:
    "This sign-in could not be matched to the one this browser started (it was started again in another tab, or took too long). Try again from this tab.",
  oauth_pkce:
    "This browser lost part of the sign-in: a cookie it needs was missing (cleared, blocked, or sign-in finished in another browser). Try again, and allow cookies for this site.",
  oauth_code_rejected:
    "Chutes refused the sign-in code: it had expired or was already used (for example after going back or reloading). Try again.",
  oauth_client_rejected:
    "Chutes did not accept this app's OAuth credentials. The operator should check CHUTES_CLIENT_ID and CHUTES_CLIENT_SECRET; you can use an API key meanwhile.",
  oauth_userinfo:
    "Chutes issued a token but refused to tell this app who you are (the account details call failed). Try again; if it keeps failing, sign in with the profile permission or use an API key.",
  oauth_issuer:
    "Chutes answered as a different issuer than this app expects, so the sign-in was refused. The operator should check CHUTES_IDP_URL.",
  oauth_unreachable: "The server could not reach Chutes to finish signing in. Try again in a moment.",
  // next-auth's own codes (pages.error), when no better cause is known.
  oauthsignin:
    "Sign in with Chutes could not be started: the server could not prepare the request to Chutes. Try again; if it persists, the operator should check CHUTES_IDP_URL.",
  oauthcallback: "Chutes sent you back, but the sign-in could not be completed. Try again.",
  oauthaccountnotlinked:
    "That Chutes account is already linked to another sign-in on this server. Sign in the way you did before, or use an API key.",
  callback: "Signing in failed while the server was saving your session. Try again.",
  configuration:
    "Sign in with Chutes is not configured correctly on this server; the operator should check NEXTAUTH_URL and NEXTAUTH_SECRET. You can use an API key meanwhile.",
  accessdenied: "This server refused the sign-in. Try again, or use an API key.",
};

const FALLBACK = "Sign in with Chutes did not complete. Try again, or use an API key.";

export function describeAuthError(code: string): string {
  return MESSAGES[code] ?? MESSAGES[code.toLowerCase()] ?? FALLBACK;
}
