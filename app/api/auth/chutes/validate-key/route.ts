import { validateKeyWithChutes } from "@/src/lib/chutes/validateKey.ts";
import { checkApiKeyFormat, validateKeyRequestSchema } from "@/src/lib/chutesAuth.ts";
import { getConfig } from "@/src/lib/config.ts";
import { appErrorResponse, errorResponse } from "@/src/lib/errors.ts";
import { readJsonBody, rejectCrossOrigin } from "@/src/lib/http/guards.ts";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** Checks a pasted key against Chutes. The key is neither stored nor logged here. */
export async function POST(request: Request): Promise<Response> {
  const refused = rejectCrossOrigin(request);
  if (refused) return refused;
  const body = await readJsonBody(request, validateKeyRequestSchema);
  if (!body.ok) return body.response;

  const format = checkApiKeyFormat(body.data.apiKey);
  if (!format.ok) return errorResponse("invalid_key_format");

  const result = await validateKeyWithChutes(format.key, getConfig());
  if (!result.ok) return appErrorResponse(result.error);
  return Response.json(
    { valid: true, account: result.account },
    { headers: { "cache-control": "no-store" } },
  );
}
