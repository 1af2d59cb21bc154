import "server-only";
import type { KeyAccount, KeyValidation } from "../chutesAuth.ts";
import type { AppConfig } from "../config.ts";
import { appError } from "../errors.ts";
import { callUpstream } from "./http.ts";
import { classifyStatus } from "./upstreamErrors.ts";

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
): Promise<KeyValidation> {
  const timeoutMs = settings.CHUTES_REQUEST_TIMEOUT_MS;
  const me = await callUpstream({
    url: `${settings.CHUTES_API_URL}/users/me`,
    token: apiKey,
    timeoutMs,
    fetchImpl,
  });
  if (me.ok) return { ok: true, account: parseAccount(me.body) };
  if ("unreachable" in me) return { ok: false, error: appError("chutes_unreachable") };
  if (me.status !== 401 && me.status !== 403) {
    return { ok: false, error: classifyStatus(me.status, me.body, API_KEY_CALLER) };
  }

  const probe = await callUpstream({
    url: `${settings.CHUTES_LLM_URL}/models`,
    token: apiKey,
    timeoutMs,
    fetchImpl,
  });
  if (probe.ok) return { ok: true, account: { scope: "scoped", username: null, balance: null } };
  if ("unreachable" in probe) return { ok: false, error: appError("chutes_unreachable") };
  if (probe.status === 401 || probe.status === 403) return { ok: false, error: appError("key_rejected") };
  return { ok: false, error: classifyStatus(probe.status, probe.body, API_KEY_CALLER) };
}

function parseAccount(body: string): KeyAccount {
  try {
    const me = JSON.parse(body) as { username?: unknown; balance?: unknown };
    return {
      scope: "admin",
      username: typeof me.username === "string" ? me.username : null,
      balance: typeof me.balance === "number" && Number.isFinite(me.balance) ? me.balance : null,
    };
  } catch {
    return { scope: "admin", username: null, balance: null };
  }
}
