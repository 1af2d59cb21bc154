// Who is calling: balances of the fixture users and the server's Authorization dispatch (protocol §2.1,
// §2.2, §4.1): last space-separated token; `cpk_` = API key, `cak_` = OAuth access token, else a web JWT.
import { type FixtureKey, type FixtureUser, KEYS, USERS } from "./fixtures.ts";
import type { OAuthStore, TokenRecord } from "./oauth-store.ts";
import { canInvoke, canReadAccount } from "./scopes.ts";

const KEY_PATTERN = /^cpk_[0-9a-f]{32}\.[0-9a-f]{32}\.[A-Za-z0-9]{32}$/;

export const AUTH_TEXT = {
  noAuthApi: "Can't find a user with that api key in our db :(",
  noAuthGateway: "Authentication required.",
  malformedKey: "Missing or invalid authorization header(s)",
  unknownKey: "Invalid token or user not found",
  garbage: "Invalid token.",
  forbidden: "Token does not have permission for this resource",
} as const;

export class Accounts {
  private balances = new Map<string, number>();

  constructor() {
    this.reset();
  }

  reset(): void {
    this.balances.clear();
    for (const user of Object.values(USERS)) this.balances.set(user.username, user.balance);
  }

  user(username: string): FixtureUser | undefined {
    return USERS[username];
  }

  balance(username: string): number {
    return this.balances.get(username) ?? 0;
  }

  setBalance(username: string, balance: number): boolean {
    if (!this.balances.has(username)) return false;
    this.balances.set(username, balance);
    return true;
  }

  snapshot(): Record<string, number> {
    return Object.fromEntries(this.balances);
  }
}

export type Principal =
  | { via: "key"; user: FixtureUser; key: FixtureKey }
  | { via: "oauth"; user: FixtureUser; token: TokenRecord };

export type AuthResult = { ok: true; principal: Principal } | { ok: false; status: number; detail: string };

/** The gateway being called: the api host checks account/read, llm and embed check chutes/invoke. */
export type Gateway = "api" | "llm" | "embed";

/** The server reads only `Authorization` and keeps its last space-separated token. */
function lastAuthToken(header: string | undefined): string | null {
  const parts = (header ?? "").trim().split(/\s+/);
  const last = parts[parts.length - 1];
  return last ? last : null;
}

const keyAllows = (key: FixtureKey, gateway: Gateway): boolean => {
  if (key.admin) return true;
  // No key scope can name `account`, so non-admin keys never open /users/me (401, not 403).
  if (gateway === "api") return false;
  return key.scopes.some((s) => s.objectType === "chutes" && (s.action === null || s.action === "invoke"));
};

export function authenticate(
  header: string | undefined,
  gateway: Gateway,
  accounts: Accounts,
  oauth: OAuthStore,
): AuthResult {
  const noAuthText = gateway === "api" ? AUTH_TEXT.noAuthApi : AUTH_TEXT.noAuthGateway;
  const fail = (status: number, detail: string): AuthResult => ({ ok: false, status, detail });
  const token = lastAuthToken(header);
  if (token === null) return fail(401, noAuthText);

  if (token.startsWith("cpk_")) {
    if (!KEY_PATTERN.test(token)) return fail(401, AUTH_TEXT.malformedKey);
    const key = KEYS.find((k) => k.key === token);
    const user = key ? accounts.user(key.username) : undefined;
    if (!key || !user || !keyAllows(key, gateway)) return fail(401, AUTH_TEXT.unknownKey);
    return { ok: true, principal: { via: "key", user, key } };
  }

  if (token.startsWith("cak_")) {
    const record = oauth.activeAccessToken(token);
    const user = record ? accounts.user(record.username) : undefined;
    if (!record || !user) return fail(401, noAuthText);
    const allowed = gateway === "api" ? canReadAccount(record.scopes) : canInvoke(record.scopes);
    if (!allowed) return fail(403, AUTH_TEXT.forbidden);
    return { ok: true, principal: { via: "oauth", user, token: record } };
  }

  // Anything else is taken for a chutes.ai web-session JWT; the emulator issues none.
  return fail(401, AUTH_TEXT.garbage);
}

/** The /users/me SelfResponse (protocol §2.4). */
export function selfResponse(user: FixtureUser, balance: number) {
  return {
    username: user.username,
    user_id: user.userId,
    logo_id: null,
    created_at: user.createdAt,
    logo: null,
    hotkey: user.hotkey,
    coldkey: user.coldkey,
    payment_address: user.paymentAddress,
    permissions_bitmask: 0,
    balance,
    netuids: null,
    quotas: null,
    permissions: [] as string[],
  };
}
