import { type AccountOf, accountParserOf, PROVIDER_TABLE } from "../credentials/providers.ts";
import type { ProviderId } from "../errors.ts";
import { type ApiResult, fetchApi, plainCheck } from "./fetchApi.ts";

// POST /api/auth/<provider>/validate-key: the pasted key goes in the body of this one call only.
// The request's schema is the route's (src/lib/http/keyValidationRoute.ts); the answer is checked
// here without zod, since the key form is in the first paint.

export const VALIDATE_KEY_MAX_BODY_BYTES = 4 * 1024;
/** The longest pasted key the route reads. */
export const VALIDATE_KEY_MAX_KEY_CHARS = 512;

export async function requestKeyValidation<P extends ProviderId>(
  provider: P,
  apiKey: string,
  fetchImpl?: typeof fetch,
): Promise<ApiResult<AccountOf<P>>> {
  const parseAccount = accountParserOf(provider);
  return fetchApi(
    PROVIDER_TABLE[provider].validationRoute,
    // `{ valid: true, account }`: what the route answers for a key that works.
    plainCheck((body) => {
      const { valid, account } = (typeof body === "object" && body !== null ? body : {}) as Record<
        string,
        unknown
      >;
      return valid === true ? parseAccount(account) : null;
    }),
    { json: { apiKey }, fetchImpl },
  );
}
