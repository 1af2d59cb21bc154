import "server-only";
import { z } from "zod";
import type { AppConfig } from "../config.ts";
import type { Credential } from "../credentials/precedence.ts";
import { callUpstream, parseJsonBody } from "../upstream/client.ts";

// The account's balance from `GET /users/me`, which admin keys and OAuth tokens with `profile`
// may read (scoped keys get 401 there). Read after each answer so the balance shown stays true.

export const meSchema = z.object({
  username: z.string().nullish().catch(null),
  balance: z.number().finite().nullish().catch(null),
});

/** Short: the answer is already complete, this only updates a number. */
const BALANCE_TIMEOUT_MS = 2500;

/** USD, or null when this credential may not read it or Chutes did not answer in time. */
export async function readChutesBalance(
  credential: Credential,
  settings: Pick<AppConfig, "CHUTES_API_URL">,
  fetchImpl?: typeof fetch,
): Promise<number | null> {
  if (credential.provider !== "chutes") return null;
  const me = await callUpstream({
    url: `${settings.CHUTES_API_URL}/users/me`,
    token: credential.token,
    timeoutMs: BALANCE_TIMEOUT_MS,
    fetchImpl,
  });
  if (!me.ok) return null;
  return meSchema.safeParse(parseJsonBody(me.body)).data?.balance ?? null;
}
