import { getConfig } from "@/src/lib/config.ts";
import { appError } from "@/src/lib/errors.ts";
import { keyValidationRoute } from "@/src/lib/http/keyValidationRoute.ts";
import { validateOpenRouterKey } from "@/src/lib/openrouter/api.ts";
import { checkOpenRouterKeyFormat } from "@/src/lib/openrouterAuth.ts";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** Checks a pasted OpenRouter key and that it has credit left. */
export const POST = keyValidationRoute(async (apiKey) => {
  const format = checkOpenRouterKeyFormat(apiKey);
  if (!format.ok) return { ok: false, error: appError("invalid_key_format", format.message, "openrouter") };
  return await validateOpenRouterKey(format.key, getConfig());
});
