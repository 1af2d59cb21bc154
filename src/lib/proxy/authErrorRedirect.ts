// next-auth sends failed sign-ins to the app with `?error=<Code>` (its own codes, e.g.
// OAuthCallback) and the IdP sends its own `?error=access_denied` to the callback. Both become one
// `?authError=` on the setup screen, which explains it and offers "Try again".

const SAFE_CODE = /^[A-Za-z_]{1,40}$/;

/** The path to send a request that carries a sign-in error to, or null when it carries none. */
export function authErrorTarget(url: URL): string | null {
  const error = url.searchParams.get("error");
  const onCallback = url.pathname.startsWith("/api/auth/callback/");
  if (!error || (!onCallback && url.pathname !== "/")) return null;
  return `/?${new URLSearchParams({ authError: SAFE_CODE.test(error) ? error : "oauth_error" })}`;
}
