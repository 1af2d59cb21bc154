import "server-only";
import { z } from "zod";
import type { AppConfig } from "../config.ts";

// Calls to the Chutes IDP token endpoints. Form-encoded (the IDP answers JSON bodies with 422),
// client secret in the form (client_secret_post), and no token ever logged or put in a URL.

export type IdpSettings = Pick<
  AppConfig,
  "CHUTES_IDP_URL" | "CHUTES_CLIENT_ID" | "CHUTES_CLIENT_SECRET" | "CHUTES_REQUEST_TIMEOUT_MS"
>;

export const tokenResponseSchema = z.object({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1).optional(),
  expires_in: z.number().positive().optional(),
  scope: z.string().nullish(),
});

export interface ChutesTokens {
  accessToken: string;
  refreshToken: string;
  /** Epoch milliseconds. */
  expiresAt: number;
}

export type RefreshOutcome =
  | { ok: true; tokens: ChutesTokens }
  | { ok: false; reason: "invalid_grant" | "invalid_client" | "unreachable" | "unexpected" };

const DEFAULT_LIFETIME_S = 3600;

export async function refreshChutesTokens(
  refreshToken: string,
  settings: IdpSettings,
  fetchImpl: typeof fetch = fetch,
  now: () => number = Date.now,
): Promise<RefreshOutcome> {
  const form = new URLSearchParams({
    grant_type: "refresh_token",
    refresh_token: refreshToken,
    client_id: settings.CHUTES_CLIENT_ID ?? "",
    client_secret: settings.CHUTES_CLIENT_SECRET ?? "",
  });
  let response: Response;
  try {
    response = await fetchImpl(`${settings.CHUTES_IDP_URL}/idp/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
      body: form,
      signal: AbortSignal.timeout(settings.CHUTES_REQUEST_TIMEOUT_MS),
    });
  } catch {
    return { ok: false, reason: "unreachable" };
  }
  const body: unknown = await response.json().catch(() => null);
  if (response.ok) {
    const parsed = tokenResponseSchema.safeParse(body);
    if (!parsed.success) return { ok: false, reason: "unexpected" };
    const t = parsed.data;
    return {
      ok: true,
      tokens: {
        accessToken: t.access_token,
        // Keep the old refresh token if the IDP ever omits a new one.
        refreshToken: t.refresh_token ?? refreshToken,
        expiresAt: now() + (t.expires_in ?? DEFAULT_LIFETIME_S) * 1000,
      },
    };
  }
  const error = (body as { error?: unknown } | null)?.error;
  if (error === "invalid_grant" || error === "invalid_client") return { ok: false, reason: error };
  return { ok: false, reason: response.status >= 500 ? "unreachable" : "unexpected" };
}

/**
 * Best effort: sign-out must finish even if Chutes cannot be reached. The client authenticates as
 * at the token endpoint (client_secret_post), which RFC 7009 requires of a confidential client.
 */
export async function revokeChutesToken(
  token: string,
  hint: "access_token" | "refresh_token",
  settings: IdpSettings,
  fetchImpl: typeof fetch = fetch,
): Promise<boolean> {
  try {
    const response = await fetchImpl(`${settings.CHUTES_IDP_URL}/idp/token/revoke`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        token,
        token_type_hint: hint,
        client_id: settings.CHUTES_CLIENT_ID ?? "",
        client_secret: settings.CHUTES_CLIENT_SECRET ?? "",
      }),
      signal: AbortSignal.timeout(settings.CHUTES_REQUEST_TIMEOUT_MS),
    });
    return response.ok;
  } catch {
    return false;
  }
}
