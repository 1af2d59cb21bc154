import { getConfig } from "@/src/lib/config.ts";
import { keyValidationRoute } from "@/src/lib/http/keyValidationRoute.ts";
import { validateOpenRouterKey } from "@/src/lib/openrouter/api.ts";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** Checks a pasted OpenRouter key and that it has credit left. */
export const POST = keyValidationRoute("openrouter", (apiKey) => validateOpenRouterKey(apiKey, getConfig()));
