import "server-only";
import { AsyncLocalStorage } from "node:async_hooks";
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import { type LanguageModelMiddleware, wrapLanguageModel } from "ai";
import type { AppConfig } from "../config.ts";
import type { Credential } from "../credentials/precedence.ts";
import { boundedMemo } from "../server/boundedMemo.ts";
import { withChatStreamStage } from "./coalesceDeltas.ts";
import { reasoningMiddleware } from "./reasoningMiddleware.ts";

// The OpenAI-compatible chat model is made once per provider and model, not once per request: its
// constructor builds the stream chunk's zod schema (~50 schema objects), and a new schema's first parses
// compile it again. That was 0.6-1 ms of every answer's first token. The credential and the request's
// fetch (which renews an OAuth token after a 401) are given to each call: the Authorization header as a
// call header, the fetch through an AsyncLocalStorage the shared model's fetch reads.

type ModelBase = Pick<AppConfig, "CHUTES_LLM_URL" | "OPENROUTER_API_URL">;
type ChatModel = ReturnType<ReturnType<typeof createOpenAICompatible>["chatModel"]>;

const callFetch = new AsyncLocalStorage<typeof fetch>();
const fetchOfCall: typeof fetch = (input, init) => (callFetch.getStore() ?? fetch)(input, init);

/** Model ids come from the request: the shared models are bounded (boundedMemo). */
const sharedModels = boundedMemo<ChatModel>(32);

function sharedModel(provider: "chutes" | "openrouter", baseURL: string, modelId: string): ChatModel {
  // No apiKey: a call without its credential's header goes out unauthenticated, never with another's.
  return sharedModels(JSON.stringify([provider, baseURL, modelId]), () =>
    createOpenAICompatible({
      name: provider,
      baseURL,
      includeUsage: true,
      fetch: withChatStreamStage(fetchOfCall),
    }).chatModel(modelId),
  );
}

function callWith(credential: Credential, fetchImpl: typeof fetch = fetch): LanguageModelMiddleware {
  // Always a scope of its own: a call never inherits the fetch of a call around it.
  const run = <T>(call: () => PromiseLike<T>): PromiseLike<T> => callFetch.run(fetchImpl, call);
  return {
    specificationVersion: "v4",
    transformParams: async ({ params }) => ({
      ...params,
      headers: { ...params.headers, authorization: `Bearer ${credential.token}` },
    }),
    wrapStream: ({ doStream }) => run(doStream),
    wrapGenerate: ({ doGenerate }) => run(doGenerate),
  };
}

/**
 * The OpenAI-compatible chat model for the credential's provider: the Chutes LLM gateway, or
 * OpenRouter. Billed to that credential. Thinking comes out as reasoning parts, whichever of the
 * three shapes the model sends it in.
 */
export function chatModelFor(
  credential: Credential,
  modelId: string,
  settings: ModelBase,
  fetchImpl?: typeof fetch,
) {
  const openrouter = credential.provider === "openrouter";
  const model = sharedModel(
    openrouter ? "openrouter" : "chutes",
    openrouter ? settings.OPENROUTER_API_URL : settings.CHUTES_LLM_URL,
    modelId,
  );
  // The credential's middleware runs last, right around the model: the call it makes is the one sent.
  return wrapLanguageModel({
    model,
    middleware: [...reasoningMiddleware, callWith(credential, fetchImpl)],
  });
}
