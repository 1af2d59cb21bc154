import "server-only";
import { z } from "zod";
import type { ModelInfo } from "../api/models.ts";
import type { AppConfig } from "../config.ts";
import type { Credential } from "../credentials/precedence.ts";
import { type AppError, appError } from "../errors.ts";
import { classifyFailedCall } from "../upstream/classify.ts";
import { callUpstream, parseJsonBody } from "../upstream/client.ts";

// `GET /v1/models` on the LLM gateway, as Chutes sends it (docs/dev/chutes-protocol.md §3.2):
// the OpenAI shape plus pricing per 1M tokens, context and output limits, modalities, features,
// sampling parameters and `confidential_compute` (the TEE flag; the `-TEE` suffix of an id is
// only a naming habit). Chutes fills many fields from admin overrides, so each is optional and a
// malformed one is dropped rather than losing the model.

const positiveInt = z.number().int().positive().nullish().catch(null);
const usd = z.number().nonnegative().nullish().catch(null);
const names = z.array(z.string()).nullish().catch(null);

const chutesModelSchema = z.object({
  id: z.string().min(1),
  context_length: positiveInt,
  max_model_len: positiveInt,
  max_output_length: positiveInt,
  pricing: z.object({ prompt: usd, completion: usd, input_cache_read: usd }).partial().nullish().catch(null),
  // The older per-currency shape, read when `pricing` lacks a side.
  price: z
    .object({
      input: z.object({ usd }).nullish(),
      output: z.object({ usd }).nullish(),
      input_cache_read: z.object({ usd }).nullish(),
    })
    .partial()
    .nullish()
    .catch(null),
  confidential_compute: z.boolean().nullish().catch(null),
  input_modalities: names,
  supported_features: names,
  supported_sampling_parameters: names,
});

const chutesModelListSchema = z.object({ data: z.array(z.unknown()) });

export function toModelInfo(raw: unknown): ModelInfo | null {
  const parsed = chutesModelSchema.safeParse(raw);
  if (!parsed.success) return null;
  const m = parsed.data;
  return {
    id: m.id,
    contextLength: m.context_length ?? m.max_model_len ?? null,
    maxOutputTokens: m.max_output_length ?? null,
    pricing: {
      input: m.pricing?.prompt ?? m.price?.input?.usd ?? null,
      output: m.pricing?.completion ?? m.price?.output?.usd ?? null,
      cacheRead: m.pricing?.input_cache_read ?? m.price?.input_cache_read?.usd ?? null,
    },
    confidential: m.confidential_compute ?? false,
    inputModalities: m.input_modalities ?? ["text"],
    features: m.supported_features ?? [],
    samplingParameters: m.supported_sampling_parameters ?? null,
  };
}

export async function listChutesModels(
  credential: Credential,
  settings: Pick<AppConfig, "CHUTES_LLM_URL" | "CHUTES_REQUEST_TIMEOUT_MS">,
  fetchImpl?: typeof fetch,
): Promise<{ ok: true; models: ModelInfo[] } | { ok: false; error: AppError }> {
  const result = await callUpstream({
    url: `${settings.CHUTES_LLM_URL}/models`,
    token: credential.token,
    timeoutMs: settings.CHUTES_REQUEST_TIMEOUT_MS,
    fetchImpl,
  });
  if (!result.ok) return { ok: false, error: classifyFailedCall(result, credential) };
  const list = chutesModelListSchema.safeParse(parseJsonBody(result.body));
  if (!list.success) {
    return {
      ok: false,
      error: appError("upstream_error", "Chutes returned a model list this app could not read."),
    };
  }
  return { ok: true, models: list.data.data.map(toModelInfo).filter((m): m is ModelInfo => m !== null) };
}
