import { validateKeyWithChutes } from "@/src/lib/chutes/validateKey.ts";
import { getConfig } from "@/src/lib/config.ts";
import { keyValidationRoute } from "@/src/lib/http/keyValidationRoute.ts";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** Checks a pasted Chutes key: admin keys via /users/me, scoped keys via the model list. */
export const POST = keyValidationRoute("chutes", (apiKey) => validateKeyWithChutes(apiKey, getConfig()));
