import "server-only";
import { createHash } from "node:crypto";
import type { JWT } from "next-auth/jwt";
import type { AppConfig } from "../config.ts";
import { runSharedOnce } from "../server/sharedState.ts";
import {
  type ChutesTokens,
  type IdpSettings,
  type RefreshOutcome,
  refreshChutesTokens,
} from "./chutesTokens.ts";
import { createSingleFlight } from "./singleFlight.ts";

// What the encrypted session cookie holds for a signed-in Chutes user. Tokens live here and
// nowhere the browser's JavaScript can read.

export interface ChutesSessionData extends ChutesTokens {
  username: string;
  userId: string;
}

export type ChutesJwt = JWT & { chutes?: ChutesSessionData; chutesError?: "session_ended" };

// Failures worth retrying (IDP unreachable) are not remembered.
const REFRESH_RETAIN_MS = 60_000;
const retainOutcome = (outcome: RefreshOutcome) =>
  outcome.ok || outcome.reason === "invalid_grant" || outcome.reason === "invalid_client";
const refreshes = createSingleFlight<RefreshOutcome>(REFRESH_RETAIN_MS, { retain: retainOutcome });

export type RefreshSettings = IdpSettings & Pick<AppConfig, "CHUTES_TOKEN_REFRESH_MARGIN_S">;

export interface FreshnessResult {
  jwt: ChutesJwt;
  /** The cookie must be re-written: tokens rotated, or the session ended. */
  changed: boolean;
}

/**
 * Returns a JWT whose access token is valid for at least the margin, refreshing at most once per
 * refresh token across concurrent requests. `force` refreshes after Chutes answered 401.
 */
export async function ensureFreshChutesTokens(
  jwt: ChutesJwt,
  settings: RefreshSettings,
  options: { force?: boolean; fetchImpl?: typeof fetch; now?: () => number } = {},
): Promise<FreshnessResult> {
  const session = jwt.chutes;
  if (!session) return { jwt, changed: false };
  const now = options.now ?? Date.now;
  if (!options.force && session.expiresAt - settings.CHUTES_TOKEN_REFRESH_MARGIN_S * 1000 > now()) {
    return { jwt, changed: false };
  }
  const key = createHash("sha256").update(session.refreshToken).digest("hex");
  // In-process first (one caller per process), then across instances through PostgreSQL when
  // DATABASE_URL is set: a second instance gets the rotated tokens instead of reusing the old one.
  const outcome = await refreshes.run(key, () =>
    runSharedOnce(
      "oauth-refresh",
      key,
      () => refreshChutesTokens(session.refreshToken, settings, options.fetchImpl, now),
      { ttlMs: REFRESH_RETAIN_MS, retain: retainOutcome },
    ),
  );
  if (outcome.ok) return { jwt: { ...jwt, chutes: { ...session, ...outcome.tokens } }, changed: true };
  if (outcome.reason === "invalid_grant" || outcome.reason === "invalid_client") {
    const { chutes: _ended, ...rest } = jwt;
    return { jwt: { ...rest, chutesError: "session_ended" }, changed: true };
  }
  // Chutes unreachable: keep the session; a short IDP outage should not sign anyone out.
  return { jwt, changed: false };
}
