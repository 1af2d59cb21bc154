import "server-only";
import { z } from "zod";
import type { AppConfig } from "../config.ts";
import { callUpstream, parseJsonBody } from "../upstream/client.ts";

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

/** client_secret_post: the IDP takes the client's credentials in the form, for every grant. */
function clientForm(settings: IdpSettings): Record<string, string> {
  return { client_id: settings.CHUTES_CLIENT_ID ?? "", client_secret: settings.CHUTES_CLIENT_SECRET ?? "" };
}

const oauthErrorSchema = z.object({ error: z.string() });

export async function refreshChutesTokens(
  refreshToken: string,
  settings: IdpSettings,
  fetchImpl?: typeof fetch,
  now: () => number = Date.now,
): Promise<RefreshOutcome> {
  const result = await callUpstream({
    url: `${settings.CHUTES_IDP_URL}/idp/token`,
    form: { grant_type: "refresh_token", refresh_token: refreshToken, ...clientForm(settings) },
    timeoutMs: settings.CHUTES_REQUEST_TIMEOUT_MS,
    fetchImpl,
  });
  if (result.ok) {
    const parsed = tokenResponseSchema.safeParse(parseJsonBody(result.body));
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
  if ("unreachable" in result) return { ok: false, reason: "unreachable" };
  const error = oauthErrorSchema.safeParse(parseJsonBody(result.body)).data?.error;
  if (error === "invalid_grant" || error === "invalid_client") return { ok: false, reason: error };
  return { ok: false, reason: result.status >= 500 ? "unreachable" : "unexpected" };
}

/**
 * Best effort: sign-out must finish even if Chutes cannot be reached. The client authenticates as
 * at the token endpoint (client_secret_post), which RFC 7009 requires of a confidential client.
 */
export async function revokeChutesToken(
  token: string,
  hint: "access_token" | "refresh_token",
  settings: IdpSettings,
  fetchImpl?: typeof fetch,
): Promise<boolean> {
  const result = await callUpstream({
    url: `${settings.CHUTES_IDP_URL}/idp/token/revoke`,
    form: { token, token_type_hint: hint, ...clientForm(settings) },
    timeoutMs: settings.CHUTES_REQUEST_TIMEOUT_MS,
    fetchImpl,
  });
  return result.ok;
}
