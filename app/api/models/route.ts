import type { ModelListResponse } from "@/src/lib/api/models.ts";
import { listChutesModels } from "@/src/lib/chutes/models.ts";
import { appErrorResponse } from "@/src/lib/errors.ts";
import { credentialRoute } from "@/src/lib/http/credentialRoute.ts";
import { pickDefaultModel } from "@/src/lib/models/catalog.ts";
import { listOpenRouterModels } from "@/src/lib/openrouter/api.ts";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** The models the winning credential can use, with prices; and the one to preselect. */
export const GET = credentialRoute({ name: "models", rateLimit: "api" }, async (ctx) => {
  const openrouter = ctx.credential.provider === "openrouter";
  const result = openrouter
    ? await listOpenRouterModels(ctx.credential, ctx.config, ctx.fetch)
    : await listChutesModels(ctx.credential, ctx.config, ctx.fetch);
  if (!result.ok) return appErrorResponse(result.error);
  const picked = openrouter
    ? { id: result.models[0]?.id ?? "" }
    : pickDefaultModel(result.models, ctx.config.CHUTES_DEFAULT_MODEL);
  const body: ModelListResponse = {
    models: result.models,
    defaultModel: picked.id,
    ...(picked.note ? { defaultModelNote: picked.note } : {}),
  };
  return Response.json(body, { headers: { "cache-control": "private, no-store" } });
});
