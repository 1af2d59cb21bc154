import { z } from "zod";
import { type AccountOf, accountSchemaOf, PROVIDER_TABLE } from "../credentials/providers.ts";
import type { ProviderId } from "../errors.ts";
import { type ApiResult, fetchApi } from "./fetchApi.ts";

// POST /api/auth/<provider>/validate-key: the pasted key goes in the body of this one call only.

export const VALIDATE_KEY_MAX_BODY_BYTES = 4 * 1024;

export const validateKeyRequestSchema = z.strictObject({ apiKey: z.string().max(512) });

export function validateKeyResponseSchema<A>(accountSchema: z.ZodType<A>) {
  return z.object({ valid: z.literal(true), account: accountSchema });
}

export async function requestKeyValidation<P extends ProviderId>(
  provider: P,
  apiKey: string,
  fetchImpl?: typeof fetch,
): Promise<ApiResult<AccountOf<P>>> {
  const result = await fetchApi(
    PROVIDER_TABLE[provider].validationRoute,
    validateKeyResponseSchema(accountSchemaOf(provider)),
    { json: { apiKey }, fetchImpl },
  );
  return result.ok ? { ok: true, data: result.data.account } : result;
}
