// next-auth v4 reports every failure on the OAuth callback as one "OAuthCallback". The cause is in
// the error it logs; this names it so the setup screen can say what happened. Only the code ever
// leaves the server (in `?authError=`), never the error text.

export const SIGN_IN_FAILURES = [
  "oauth_state",
  "oauth_pkce",
  "oauth_code_rejected",
  "oauth_client_rejected",
  "oauth_userinfo",
  "oauth_issuer",
  "oauth_unreachable",
] as const;

export type SignInFailure = (typeof SIGN_IN_FAILURES)[number];

/** Prefix of the error our userinfo call throws, so a refused profile call is told from a token one. */
export const USERINFO_FAILED = "userinfo request failed";

const UNREACHABLE =
  /ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|timed out|socket hang up|fetch failed/i;

export function classifyCallbackError(message: string): SignInFailure | null {
  if (UNREACHABLE.test(message)) return "oauth_unreachable";
  if (message.startsWith(USERINFO_FAILED)) return "oauth_userinfo";
  // openid-client: "state mismatch, expected …", "state missing from the response"; next-auth:
  // "State cookie was missing.", "State value could not be parsed."
  if (/\bstate\b/i.test(message)) return "oauth_state";
  if (/PKCE|code_verifier/i.test(message)) return "oauth_pkce";
  if (/\biss\b|issuer/i.test(message)) return "oauth_issuer";
  // The token endpoint's RFC 6749 error codes (OPError's message starts with the code).
  if (/^invalid_grant\b/.test(message)) return "oauth_code_rejected";
  if (/^(invalid_client|unauthorized_client)\b/.test(message)) return "oauth_client_rejected";
  return null;
}

/**
 * Points next-auth's redirect to its generic error page at the setup screen with the named cause.
 * Other responses, and redirects without a known cause, are returned as they are.
 */
export function explainSignInFailure(response: Response, failure: SignInFailure | null): Response {
  const location = response.headers.get("location");
  if (!failure || !location || !/[?&]error=(OAuthCallback|Callback)\b/.test(location)) return response;
  const target = new URL(location, "http://placeholder");
  const explained = `/?authError=${failure}`;
  const headers = new Headers(response.headers);
  headers.set(
    "location",
    target.origin === "http://placeholder" ? explained : `${target.origin}${explained}`,
  );
  return new Response(response.body, { status: response.status, headers });
}
