import "server-only";
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import { wrapLanguageModel } from "ai";
import type { AppConfig } from "../config.ts";
import type { Credential } from "../credentials/precedence.ts";
import { withChatStreamStage } from "./coalesceDeltas.ts";
import { reasoningMiddleware } from "./reasoningMiddleware.ts";

/**
 * The OpenAI-compatible chat model for the credential's provider: the Chutes LLM gateway, or
 * OpenRouter. Billed to that credential. Thinking comes out as reasoning parts, whichever of the
 * three shapes the model sends it in.
 */
export function chatModelFor(
  credential: Credential,
  modelId: string,
  settings: Pick<AppConfig, "CHUTES_LLM_URL" | "OPENROUTER_API_URL">,
  fetchImpl?: typeof fetch,
) {
  const openrouter = credential.provider === "openrouter";
  const model = createOpenAICompatible({
    name: openrouter ? "openrouter" : "chutes",
    baseURL: openrouter ? settings.OPENROUTER_API_URL : settings.CHUTES_LLM_URL,
    apiKey: credential.token,
    includeUsage: true,
    fetch: withChatStreamStage(fetchImpl),
  }).chatModel(modelId);
  return wrapLanguageModel({ model, middleware: reasoningMiddleware });
}
