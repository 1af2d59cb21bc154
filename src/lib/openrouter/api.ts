import "server-only";
import { z } from "zod";
import type { ModelInfo } from "../api/models.ts";
import type { AppConfig } from "../config.ts";
import type { Credential } from "../credentials/precedence.ts";
import { type AppError, appError } from "../errors.ts";
import type { OpenRouterAccount } from "../openrouterAuth.ts";
import { classifyFailedCall } from "../upstream/classify.ts";
import { callUpstream, parseJsonBody } from "../upstream/client.ts";

// OpenRouter's key, credit and model endpoints. Errors there are {"error": {"code", "message"}},
// which the shared classifier reads too.

type Settings = Pick<AppConfig, "OPENROUTER_API_URL" | "CHUTES_REQUEST_TIMEOUT_MS">;
const CALLER = { kind: "api-key", provider: "openrouter" } as const;

const keyInfoSchema = z.object({
  data: z.object({ label: z.string().nullish(), limit_remaining: z.number().nullish() }),
});
const creditsSchema = z.object({ data: z.object({ total_credits: z.number(), total_usage: z.number() }) });

/** A key OpenRouter accepts and that has credit left; a key with none is refused with a clear reason. */
export async function validateOpenRouterKey(
  apiKey: string,
  settings: Settings,
  fetchImpl?: typeof fetch,
): Promise<{ ok: true; account: OpenRouterAccount } | { ok: false; error: AppError }> {
  const call = (path: string) =>
    callUpstream({
      url: `${settings.OPENROUTER_API_URL}${path}`,
      token: apiKey,
      timeoutMs: settings.CHUTES_REQUEST_TIMEOUT_MS,
      fetchImpl,
    });
  const [key, credits] = await Promise.all([call("/key"), call("/credits")]);
  if (!key.ok) return { ok: false, error: classifyFailedCall(key, CALLER) };

  const info = keyInfoSchema.safeParse(parseJsonBody(key.body));
  const balance = credits.ok ? creditsSchema.safeParse(parseJsonBody(credits.body)) : undefined;
  const remainingCredit = balance?.success
    ? balance.data.data.total_credits - balance.data.data.total_usage
    : null;
  const keyLimit = info.success ? info.data.data.limit_remaining : null;
  const noCredit =
    (remainingCredit !== null && remainingCredit <= 0) ||
    (keyLimit !== null && keyLimit !== undefined && keyLimit <= 0);
  if (noCredit) {
    return {
      ok: false,
      error: appError(
        "payment_required",
        "This OpenRouter key has no credit left. Add credit at openrouter.ai/settings/credits, then save the key again.",
        "openrouter",
      ),
    };
  }
  return {
    ok: true,
    account: {
      label: info.success ? (info.data.data.label ?? null) : null,
      creditRemaining: remainingCredit,
    },
  };
}

const openRouterModelSchema = z.object({
  id: z.string().min(1),
  context_length: z.number().nullish().catch(null),
  // USD per token, as strings.
  pricing: z
    .object({ prompt: z.string(), completion: z.string(), input_cache_read: z.string() })
    .partial()
    .nullish()
    .catch(null),
  architecture: z
    .object({ input_modalities: z.array(z.string()).nullish() })
    .nullish()
    .catch(null),
  top_provider: z
    .object({ max_completion_tokens: z.number().int().positive().nullish() })
    .nullish()
    .catch(null),
  // Request parameters, capabilities among them ("tools", "reasoning", "response_format").
  supported_parameters: z.array(z.string()).nullish().catch(null),
});

/** OpenRouter names capabilities as request parameters; the app uses Chutes' feature names. */
const FEATURE_OF_PARAMETER: Record<string, string> = {
  reasoning: "reasoning",
  tools: "tools",
  response_format: "json_mode",
  structured_outputs: "structured_outputs",
};

const perMillion = (value: string | undefined): number | null => {
  const n = value === undefined ? Number.NaN : Number(value);
  return Number.isFinite(n) && n >= 0 ? n * 1_000_000 : null;
};

export async function listOpenRouterModels(
  credential: Credential,
  settings: Settings,
  fetchImpl?: typeof fetch,
): Promise<{ ok: true; models: ModelInfo[] } | { ok: false; error: AppError }> {
  const result = await callUpstream({
    url: `${settings.OPENROUTER_API_URL}/models`,
    token: credential.token,
    timeoutMs: settings.CHUTES_REQUEST_TIMEOUT_MS,
    fetchImpl,
  });
  if (!result.ok) return { ok: false, error: classifyFailedCall(result, CALLER) };
  const list = z.object({ data: z.array(z.unknown()) }).safeParse(parseJsonBody(result.body));
  if (!list.success)
    return {
      ok: false,
      error: appError(
        "upstream_error",
        "OpenRouter returned a model list this app could not read.",
        "openrouter",
      ),
    };
  const models = list.data.data.flatMap((raw): ModelInfo[] => {
    const m = openRouterModelSchema.safeParse(raw);
    if (!m.success) return [];
    const parameters = m.data.supported_parameters ?? null;
    return [
      {
        id: m.data.id,
        contextLength: m.data.context_length ?? null,
        maxOutputTokens: m.data.top_provider?.max_completion_tokens ?? null,
        pricing: {
          input: perMillion(m.data.pricing?.prompt),
          output: perMillion(m.data.pricing?.completion),
          cacheRead: perMillion(m.data.pricing?.input_cache_read),
        },
        confidential: false,
        inputModalities: m.data.architecture?.input_modalities ?? ["text"],
        features: (parameters ?? []).flatMap((p) => FEATURE_OF_PARAMETER[p] ?? []),
        samplingParameters: parameters,
      },
    ];
  });
  return { ok: true, models };
}
