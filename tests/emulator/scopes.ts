// OAuth scope table and checks (protocol §1.1 scopes_supported order, §1.4 grant and access rules).

/** The server's scope table, in its order (also scopes_supported; `openid` is not in it). */
export const SCOPE_DESCRIPTIONS: Readonly<Record<string, string>> = {
  admin: "Full access to your account (admin)",
  profile: "Read your username and basic profile",
  "profile:read": "Read your profile",
  balance: "Read your balance",
  "balance:read": "Read your balance",
  "billing:read": "Read your billing information",
  quota: "Read your quotas",
  "quota:read": "Read your quotas",
  usage: "Read your usage",
  "usage:read": "Read your usage",
  "account:read": "Read your account details",
  "account:write": "Modify your account",
  "secrets:read": "Read your secrets",
  "secrets:write": "Manage your secrets",
  "chutes:read": "List and read your chutes",
  "chutes:write": "Create and modify chutes",
  "chutes:delete": "Delete chutes",
  "chutes:invoke": "Run models (inference) billed to your account",
  "images:read": "Read your images",
  "images:write": "Create and modify images",
  "images:delete": "Delete images",
  "invocations:read": "Read your invocation history",
};

const PRIVILEGED = new Set([
  "admin",
  "account:write",
  "billing:read",
  "secrets:read",
  "secrets:write",
  "chutes:write",
  "chutes:delete",
  "images:write",
  "images:delete",
]);

export const SCOPES_SUPPORTED: readonly string[] = Object.keys(SCOPE_DESCRIPTIONS);

export function describeScope(scope: string): string {
  return scope === "openid" ? "Confirm your identity (OpenID)" : (SCOPE_DESCRIPTIONS[scope] ?? scope);
}

/** Space-separated scope string -> unique list; omitted/empty means `profile`. */
export function parseScopes(scope: string | null | undefined): string[] {
  const list = (scope ?? "").split(" ").filter((s) => s.length > 0);
  return list.length === 0 ? ["profile"] : [...new Set(list)];
}

/** The OAuth error_description for the first scope the app may not request, or null. */
export function scopeProblem(scopes: string[], allowedPrivileged: readonly string[]): string | null {
  for (const scope of scopes) {
    if (scope === "openid") continue;
    if (!(scope in SCOPE_DESCRIPTIONS)) return `Unknown scope: ${scope}`;
    if (PRIVILEGED.has(scope) && !allowedPrivileged.includes(scope)) {
      return `Scope '${scope}' requires explicit app registration`;
    }
  }
  return null;
}

/** account/read: what /users/me needs (`balance`/`billing:read` alone do not open it). */
export const canReadAccount = (scopes: string[]): boolean =>
  scopes.some((s) => ["admin", "profile", "profile:read", "quota", "account:read"].includes(s));

export const canInvoke = (scopes: string[]): boolean =>
  scopes.some((s) => s === "admin" || s === "chutes:invoke");

export const canUseUserinfo = (scopes: string[]): boolean =>
  scopes.some((s) => ["openid", "profile", "account:read", "admin"].includes(s));
