import "server-only";
import { validateKeyRequestSchema } from "../chutesAuth.ts";
import { type AppError, appErrorResponse } from "../errors.ts";
import { readJsonBody, rejectCrossOrigin } from "./guards.ts";

export type KeyCheck<A> = { ok: true; account: A } | { ok: false; error: AppError };

/**
 * A route that checks a pasted provider key: same-origin JSON only, then the provider's own
 * validation. The key is neither stored nor logged; only the verdict and account summary go back.
 */
export function keyValidationRoute<A>(validate: (apiKey: string) => Promise<KeyCheck<A>>) {
  return async (request: Request): Promise<Response> => {
    const refused = rejectCrossOrigin(request);
    if (refused) return refused;
    const body = await readJsonBody(request, validateKeyRequestSchema);
    if (!body.ok) return body.response;
    const result = await validate(body.data.apiKey);
    if (!result.ok) return appErrorResponse(result.error);
    return Response.json(
      { valid: true, account: result.account },
      { headers: { "cache-control": "no-store" } },
    );
  };
}
