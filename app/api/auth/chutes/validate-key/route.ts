import { validateKeyWithChutes } from "@/src/lib/chutes/validateKey.ts";
import { checkApiKeyFormat } from "@/src/lib/chutesAuth.ts";
import { getConfig } from "@/src/lib/config.ts";
import { appError } from "@/src/lib/errors.ts";
import { keyValidationRoute } from "@/src/lib/http/keyValidationRoute.ts";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** Checks a pasted Chutes key: admin keys via /users/me, scoped keys via the model list. */
export const POST = keyValidationRoute(async (apiKey) => {
  const format = checkApiKeyFormat(apiKey);
  if (!format.ok) return { ok: false, error: appError("invalid_key_format") };
  return await validateKeyWithChutes(format.key, getConfig());
});
