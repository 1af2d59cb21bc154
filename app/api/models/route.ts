import type { NextRequest } from "next/server";
import { listChutesModels } from "@/src/lib/chutes/models.ts";
import { getConfig } from "@/src/lib/config.ts";
import { refreshAfterUnauthorized, resolveCredential } from "@/src/lib/credentials.ts";
import { appErrorResponse } from "@/src/lib/errors.ts";
import { listOpenRouterModels } from "@/src/lib/openrouter/api.ts";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export async function GET(request: NextRequest): Promise<Response> {
  const config = getConfig();
  const resolved = await resolveCredential(request, config);
  let setCookie = resolved.setCookie;
  const headers = (): Record<string, string> => (setCookie ? { "set-cookie": setCookie } : {});
  if (!resolved.ok) return appErrorResponse(resolved.error, { headers: headers() });
  const { credential } = resolved;

  if (credential.provider === "openrouter") {
    const result = await listOpenRouterModels(credential, config);
    if (!result.ok) return appErrorResponse(result.error);
    const first = result.models[0]?.id ?? "";
    return Response.json(
      { models: result.models, defaultModel: first },
      { headers: { "cache-control": "private, no-store" } },
    );
  }

  let result = await listChutesModels(credential, config);
  if (!result.ok && result.error.code === "session_expired" && resolved.session) {
    const refreshed = await refreshAfterUnauthorized(resolved.session, config);
    setCookie = refreshed.setCookie ?? setCookie;
    if (refreshed.credential) result = await listChutesModels(refreshed.credential, config);
  }
  if (!result.ok) return appErrorResponse(result.error, { headers: headers() });
  return Response.json(
    { models: result.models, defaultModel: config.CHUTES_DEFAULT_MODEL },
    { headers: { "cache-control": "private, no-store", ...headers() } },
  );
}
