import { listChutesModels } from "@/src/lib/chutes/models.ts";
import { getConfig } from "@/src/lib/config.ts";
import { resolveCredential } from "@/src/lib/credentials.ts";
import { errorResponse } from "@/src/lib/errors.ts";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export async function GET(request: Request): Promise<Response> {
  const resolved = await resolveCredential(request);
  if (!resolved.ok) return errorResponse(resolved.error.code, resolved.error.message);
  const config = getConfig();
  const result = await listChutesModels(resolved.credential, config);
  if (!result.ok) return errorResponse(result.error.code, result.error.message);
  return Response.json(
    { models: result.models, defaultModel: config.CHUTES_DEFAULT_MODEL },
    { headers: { "cache-control": "private, max-age=60" } },
  );
}
