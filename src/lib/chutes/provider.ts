import "server-only";
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import type { AppConfig } from "../config.ts";
import type { Credential } from "../credentialPrecedence.ts";
import { withStreamCompletionCheck } from "./streamCompletion.ts";

/** The OpenAI-compatible client for the Chutes LLM gateway, billed to the given credential. */
export function chutesProvider(
  credential: Credential,
  settings: Pick<AppConfig, "CHUTES_LLM_URL">,
  fetchImpl?: typeof fetch,
) {
  return createOpenAICompatible({
    name: "chutes",
    baseURL: settings.CHUTES_LLM_URL,
    apiKey: credential.token,
    includeUsage: true,
    fetch: withStreamCompletionCheck(fetchImpl),
  });
}
