import "server-only";
import { z } from "zod";
import type { ModelInfo } from "../api/models.ts";
import type { AppConfig } from "../config.ts";
import type { Credential } from "../credentials/precedence.ts";
import { type AppError, appError } from "../errors.ts";
import { classifyFailedCall } from "../upstream/classify.ts";
import { callUpstream, parseJsonBody } from "../upstream/client.ts";

// `GET /v1/models` on the LLM gateway, reduced to what the picker shows. Chutes adds fields to
// the OpenAI shape (pricing per 1M tokens, context length, TEE); unknown fields are ignored and
// missing optional ones are tolerated, since Chutes fills some from admin overrides.

const chutesModelSchema = z.object({
  id: z.string().min(1),
  context_length: z.number().int().positive().nullish(),
  max_model_len: z.number().int().positive().nullish(),
  pricing: z
    .object({ prompt: z.number().nonnegative(), completion: z.number().nonnegative() })
    .partial()
    .nullish(),
  confidential_compute: z.boolean().nullish(),
});

const chutesModelListSchema = z.object({ data: z.array(z.unknown()) });

export function toModelInfo(raw: unknown): ModelInfo | null {
  const parsed = chutesModelSchema.safeParse(raw);
  if (!parsed.success) return null;
  const m = parsed.data;
  return {
    id: m.id,
    contextLength: m.context_length ?? m.max_model_len ?? null,
    pricing: { input: m.pricing?.prompt ?? null, output: m.pricing?.completion ?? null },
    confidential: m.confidential_compute ?? false,
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
