import "server-only";
import { z } from "zod";
import { VALIDATE_KEY_MAX_BODY_BYTES, VALIDATE_KEY_MAX_KEY_CHARS } from "../api/validateKey.ts";
import { getConfig } from "../config.ts";
import { type AccountOf, PROVIDER_TABLE } from "../credentials/providers.ts";
import { type AppError, appError, appErrorResponse, type ProviderId } from "../errors.ts";
import { clientAddress } from "./clientAddress.ts";
import { readJsonBody, rejectCrossOrigin } from "./guards.ts";
import { consumeRateLimit, rateLimitSubject } from "./rateLimit.ts";
import { tooManyRequests } from "./rateLimitResponse.ts";

const validateKeyRequestSchema = z.strictObject({ apiKey: z.string().max(VALIDATE_KEY_MAX_KEY_CHARS) });

export type KeyCheck<A> = { ok: true; account: A } | { ok: false; error: AppError };

/** Key checks the whole server makes per minute, as a multiple of one address's budget. */
const SERVER_WIDE_SCALE = 10;

/**
 * A route that checks a pasted provider key: same-origin JSON only, rate-limited tightly (it must
 * be neither an oracle for guessing keys nor an amplifier against the provider), the format checked
 * by the provider's row, then the provider's own validation. The key is neither stored nor logged.
 */
export function keyValidationRoute<P extends ProviderId>(
  provider: P,
  validate: (apiKey: string) => Promise<KeyCheck<AccountOf<P>>>,
) {
  return async (request: Request): Promise<Response> => {
    const refused = rejectCrossOrigin(request);
    if (refused) return refused;
    const config = getConfig();
    const address = clientAddress(request, config.TRUST_PROXY_HOPS);
    for (const [subject, scale] of [
      [rateLimitSubject.address(address), 1],
      [rateLimitSubject.server(), SERVER_WIDE_SCALE],
    ] as const) {
      const verdict = await consumeRateLimit("key-check", subject, config, scale);
      if (!verdict.ok) return tooManyRequests(verdict.retryAfterS);
    }
    const body = await readJsonBody(request, validateKeyRequestSchema, VALIDATE_KEY_MAX_BODY_BYTES);
    if (!body.ok) return body.response;
    const format = PROVIDER_TABLE[provider].checkFormat(body.data.apiKey);
    if (!format.ok) return appErrorResponse(appError("invalid_key_format", format.message, provider));
    const result = await validate(format.key);
    if (!result.ok) return appErrorResponse(result.error);
    return Response.json(
      { valid: true, account: result.account },
      { headers: { "cache-control": "no-store" } },
    );
  };
}
