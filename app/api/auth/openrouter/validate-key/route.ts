import { validateKeyRequestSchema } from "@/src/lib/chutesAuth.ts";
import { getConfig } from "@/src/lib/config.ts";
import { appErrorResponse, errorResponse } from "@/src/lib/errors.ts";
import { readJsonBody, rejectCrossOrigin } from "@/src/lib/http/guards.ts";
import { validateOpenRouterKey } from "@/src/lib/openrouter/api.ts";
import { checkOpenRouterKeyFormat } from "@/src/lib/openrouterAuth.ts";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** Checks a pasted OpenRouter key and its credit. The key is neither stored nor logged here. */
export async function POST(request: Request): Promise<Response> {
  const refused = rejectCrossOrigin(request);
  if (refused) return refused;
  const body = await readJsonBody(request, validateKeyRequestSchema);
  if (!body.ok) return body.response;
  const format = checkOpenRouterKeyFormat(body.data.apiKey);
  if (!format.ok) return errorResponse("invalid_key_format", format.message, undefined, "openrouter");
  const result = await validateOpenRouterKey(format.key, getConfig());
  if (!result.ok) return appErrorResponse(result.error);
  return Response.json(
    { valid: true, account: result.account },
    { headers: { "cache-control": "no-store" } },
  );
}
