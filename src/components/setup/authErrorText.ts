// Why the last "Sign in with Chutes" attempt failed, from the `authError` the callback proxy sets.
export function describeAuthError(code: string): string {
  switch (code) {
    case "access_denied":
      return "You declined access on Chutes, so you are not signed in. Sign in again and choose Allow, or use an API key.";
    case "invalid_scope":
      return "Chutes refused the permissions this app asked for. The operator should check CHUTES_OAUTH_SCOPES.";
    default:
      return "Sign in with Chutes did not complete. Try again, or use an API key.";
  }
}
