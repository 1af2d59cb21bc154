// In-memory IDP state: consent sessions, authorization codes and tokens (protocol §1.3, §1.5).
// Codes and tokens are stored by SHA-256 like the real server (which keeps them in Redis/Postgres).
import { createHash, randomInt, randomUUID } from "node:crypto";

const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const SESSION_TTL_MS = 600_000;
const CODE_TTL_MS = 600_000;

function randomAlnum(length: number): string {
  let out = "";
  for (let i = 0; i < length; i++) out += ALNUM[randomInt(ALNUM.length)];
  return out;
}

const sha256 = (text: string): string => createHash("sha256").update(text).digest("hex");

export type PkceMethod = "S256" | "plain";

export type AuthorizationRequest = {
  clientId: string;
  redirectUri: string;
  scopes: string[];
  state: string;
  codeChallenge: string | null;
  codeChallengeMethod: PkceMethod | null;
  username: string;
};

type Expiring<T> = T & { expiresAt: number };

export type TokenRecord = {
  kind: "access" | "refresh";
  tokenId: string;
  username: string;
  clientId: string;
  scopes: string[];
  issuedAt: number;
  expiresAt: number;
  revoked: boolean;
  /** Refresh tokens only: already exchanged (rotation). */
  used: boolean;
};

export type Grant = { username: string; clientId: string; scopes: string[] };

export type IssuedTokens = { accessToken: string; refreshToken: string; access: TokenRecord };

export type OAuthCounters = {
  codesIssued: number;
  codeExchanges: number;
  tokensIssued: number;
  refreshesPerformed: number;
  refreshFailures: number;
  revokeRequests: number;
  revocations: number;
};

const zeroCounters = (): OAuthCounters => ({
  codesIssued: 0,
  codeExchanges: 0,
  tokensIssued: 0,
  refreshesPerformed: 0,
  refreshFailures: 0,
  revokeRequests: 0,
  revocations: 0,
});

export class OAuthStore {
  counters: OAuthCounters = zeroCounters();
  private sessions = new Map<string, Expiring<AuthorizationRequest>>();
  private codes = new Map<string, Expiring<AuthorizationRequest>>();
  private tokens = new Map<string, TokenRecord>();

  reset(): void {
    this.sessions.clear();
    this.codes.clear();
    this.tokens.clear();
    this.counters = zeroCounters();
  }

  createSession(request: AuthorizationRequest): string {
    const id = randomUUID();
    this.sessions.set(id, { ...request, expiresAt: Date.now() + SESSION_TTL_MS });
    return id;
  }

  peekSession(id: string): AuthorizationRequest | undefined {
    const session = this.sessions.get(id);
    if (!session || session.expiresAt <= Date.now()) return undefined;
    return session;
  }

  /** Single use: the consent POST consumes the session. */
  takeSession(id: string): AuthorizationRequest | undefined {
    const session = this.peekSession(id);
    this.sessions.delete(id);
    return session;
  }

  issueCode(request: AuthorizationRequest): string {
    const code = randomAlnum(64);
    this.codes.set(sha256(code), { ...request, expiresAt: Date.now() + CODE_TTL_MS });
    this.counters.codesIssued++;
    return code;
  }

  /** Atomic get-and-delete, like the server's Redis GETDEL: a failed exchange still burns the code. */
  takeCode(code: string): AuthorizationRequest | undefined {
    const key = sha256(code);
    const record = this.codes.get(key);
    this.codes.delete(key);
    if (!record || record.expiresAt <= Date.now()) return undefined;
    return record;
  }

  issueTokens(grant: Grant, accessTtlSeconds: number, refreshTtlSeconds: number): IssuedTokens {
    const now = Date.now();
    const make = (kind: TokenRecord["kind"], ttlSeconds: number) => {
      const tokenId = randomUUID();
      const token = `${kind === "access" ? "cak" : "crt"}_${tokenId}.${randomAlnum(48)}`;
      const record: TokenRecord = {
        kind,
        tokenId,
        username: grant.username,
        clientId: grant.clientId,
        scopes: [...grant.scopes],
        issuedAt: now,
        expiresAt: now + ttlSeconds * 1000,
        revoked: false,
        used: false,
      };
      this.tokens.set(sha256(token), record);
      return { token, record };
    };
    const access = make("access", accessTtlSeconds);
    const refresh = make("refresh", refreshTtlSeconds);
    this.counters.tokensIssued++;
    return { accessToken: access.token, refreshToken: refresh.token, access: access.record };
  }

  find(token: string): TokenRecord | undefined {
    return this.tokens.get(sha256(token));
  }

  isActive(record: TokenRecord): boolean {
    return !record.revoked && !record.used && record.expiresAt > Date.now();
  }

  /** A usable access token (`cak_`), or undefined when unknown, expired or revoked. */
  activeAccessToken(token: string): TokenRecord | undefined {
    const record = this.find(token);
    return record && record.kind === "access" && this.isActive(record) ? record : undefined;
  }

  revoke(token: string): void {
    this.counters.revokeRequests++;
    const record = this.find(token);
    if (record && !record.revoked) {
      record.revoked = true;
      this.counters.revocations++;
    }
  }

  revokeAll(username?: string): number {
    let count = 0;
    for (const record of this.tokens.values()) {
      if (record.revoked || (username !== undefined && record.username !== username)) continue;
      record.revoked = true;
      count++;
    }
    this.counters.revocations += count;
    return count;
  }

  activeCounts(): { access: number; refresh: number } {
    let access = 0;
    let refresh = 0;
    for (const record of this.tokens.values()) {
      if (!this.isActive(record)) continue;
      if (record.kind === "access") access++;
      else refresh++;
    }
    return { access, refresh };
  }
}
