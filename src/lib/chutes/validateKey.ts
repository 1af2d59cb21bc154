import "server-only";
import type { KeyAccount } from "../chutesAuth.ts";
import type { AppConfig } from "../config.ts";
import { appError } from "../errors.ts";
import type { KeyCheck } from "../http/keyValidationRoute.ts";
import { classifyFailedCall } from "../upstream/classify.ts";
import { callUpstream, parseJsonBody } from "../upstream/client.ts";
import { meSchema } from "./balance.ts";

const API_KEY_CALLER = { kind: "api-key" } as const;

type Settings = Pick<AppConfig, "CHUTES_API_URL" | "CHUTES_LLM_URL" | "CHUTES_REQUEST_TIMEOUT_MS">;

/**
 * Asks Chutes whether a pasted key works. `/users/me` answers for admin keys only: scoped
 * (invoke-only) keys get 401 there by design, so a 401 is followed by a cost-free probe of
 * `/v1/models`, which validates any key that is sent with it.
 */
export async function validateKeyWithChutes(
  apiKey: string,
  settings: Settings,
  fetchImpl?: typeof fetch,
): Promise<KeyCheck<KeyAccount>> {
  const timeoutMs = settings.CHUTES_REQUEST_TIMEOUT_MS;
  const me = await callUpstream({
    url: `${settings.CHUTES_API_URL}/users/me`,
    token: apiKey,
    timeoutMs,
    fetchImpl,
  });
  if (me.ok) return { ok: true, account: parseAccount(me.body) };
  if (me.status !== 401 && me.status !== 403)
    return { ok: false, error: classifyFailedCall(me, API_KEY_CALLER) };

  const probe = await callUpstream({
    url: `${settings.CHUTES_LLM_URL}/models`,
    token: apiKey,
    timeoutMs,
    fetchImpl,
  });
  if (probe.ok) return { ok: true, account: { scope: "scoped", username: null, balance: null } };
  if (probe.status === 401 || probe.status === 403) return { ok: false, error: appError("key_rejected") };
  return { ok: false, error: classifyFailedCall(probe, API_KEY_CALLER) };
}

function parseAccount(body: string): KeyAccount {
  const me = meSchema.safeParse(parseJsonBody(body));
  return {
    scope: "admin",
    username: me.success ? (me.data.username ?? null) : null,
    balance: me.success ? (me.data.balance ?? null) : null,
  };
}
