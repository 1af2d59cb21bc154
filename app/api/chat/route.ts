import { convertToModelMessages, safeValidateUIMessages, streamText } from "ai";
import type { NextRequest } from "next/server";
import { fitHistory } from "@/src/lib/chat/history.ts";
import {
  KnowledgeBaseMismatch,
  type KnowledgeContext,
  knowledgeFor,
  sourcesMetadata,
} from "@/src/lib/chat/knowledge.ts";
import { type ChatMessage, messageMetadataSchema, messageText } from "@/src/lib/chat/messages.ts";
import { respondOnFirstChunk } from "@/src/lib/chat/respondOnFirstChunk.ts";
import { BASE_SYSTEM_PROMPT } from "@/src/lib/chat/systemPrompt.ts";
import { chatModelFor } from "@/src/lib/chutes/provider.ts";
import { classifyUpstreamError } from "@/src/lib/chutes/upstreamErrors.ts";
import { getConfig } from "@/src/lib/config.ts";
import { refreshAfterUnauthorized, resolveCredential } from "@/src/lib/credentials.ts";
import { appErrorResponse, encodeAppError, errorResponse } from "@/src/lib/errors.ts";
import { readJsonBody, rejectCrossOrigin } from "@/src/lib/http/guards.ts";
import { log } from "@/src/lib/log.ts";
import { countTokens } from "@/src/lib/rag/tokens.ts";
import { shutdownSignal } from "@/src/lib/server/inflight.ts";
import { chatRequestSchema } from "./schema.ts";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** Tokens of conversation history sent with each question (the knowledge block has its own budget). */
const HISTORY_TOKEN_BUDGET = 6000;

export async function POST(request: NextRequest): Promise<Response> {
  const refused = rejectCrossOrigin(request);
  if (refused) return refused;
  const body = await readJsonBody(request, chatRequestSchema);
  if (!body.ok) return body.response;

  const config = getConfig();
  const resolved = await resolveCredential(request, config);
  let setCookie = resolved.setCookie;
  const responseHeaders = (): Record<string, string> => (setCookie ? { "set-cookie": setCookie } : {});
  if (!resolved.ok) return appErrorResponse(resolved.error, { headers: responseHeaders() });
  let credential = resolved.credential;

  const validated = await safeValidateUIMessages<ChatMessage>({
    messages: body.data.messages,
    // User messages carry no metadata; assistant messages carry what this route sent.
    metadataSchema: messageMetadataSchema.optional(),
  });
  if (!validated.success) return errorResponse("invalid_request", "The conversation could not be read.");
  const history = fitHistory(validated.data, HISTORY_TOKEN_BUDGET, (m) => countTokens(messageText(m)));
  const question = messageText(history.findLast((m) => m.role === "user") ?? { parts: [] });

  let knowledge: KnowledgeContext;
  try {
    knowledge = await knowledgeFor(question, credential, request.signal);
  } catch (error) {
    if (error instanceof KnowledgeBaseMismatch)
      return errorResponse("knowledge_base_mismatch", undefined, { headers: responseHeaders() });
    throw error;
  }

  // An OAuth token Chutes refuses (revoked or expired early) is refreshed once and the call retried.
  const session = resolved.session;
  const retryOnUnauthorized: typeof fetch = async (input, init) => {
    const response = await fetch(input, init);
    if (response.status !== 401 || credential.kind !== "oauth" || !session) return response;
    const refreshed = await refreshAfterUnauthorized(session, config);
    if (refreshed.setCookie) setCookie = refreshed.setCookie;
    if (!refreshed.credential) return response;
    credential = refreshed.credential;
    const headers = new Headers(init?.headers);
    headers.set("authorization", `Bearer ${credential.token}`);
    return await fetch(input, { ...init, headers });
  };

  const encodeUpstreamError = (error: unknown) => encodeAppError(classifyUpstreamError(error, credential));
  const model = body.data.model;
  let answerText = "";
  const result = streamText({
    model: chatModelFor(credential, model, config, retryOnUnauthorized),
    system: knowledge.prompt ? `${BASE_SYSTEM_PROMPT}\n\n${knowledge.prompt}` : BASE_SYSTEM_PROMPT,
    messages: await convertToModelMessages(history),
    // The browser's Stop aborts this request; passing the signal on closes the upstream call,
    // which is what stops Chutes from billing further tokens.
    abortSignal: AbortSignal.any([request.signal, shutdownSignal()]),
    // Chutes already retries across instances; a second layer here would multiply waits and cost.
    maxRetries: 0,
    onChunk: ({ chunk }) => {
      if (chunk.type === "text-delta") answerText += chunk.text;
    },
    // The default logs the whole error, request values included: user content has no place in
    // server logs. The code is enough to operate the service.
    onError: ({ error }) =>
      log().error({ code: classifyUpstreamError(error, credential).code }, "chat: upstream failed"),
  });

  const stream = result.toUIMessageStream<ChatMessage>({
    messageMetadata: ({ part }) => {
      if (part.type === "start") {
        return { model, sources: sourcesMetadata(knowledge.sources), retrieval: knowledge.retrieval };
      }
      if (part.type === "finish") {
        const { inputTokens, outputTokens, totalTokens } = part.totalUsage;
        return {
          model,
          usage: { inputTokens, outputTokens, totalTokens },
          finishedAt: Date.now(),
          // Which sources the finished answer actually cites, by the ids the model was shown.
          sources: sourcesMetadata(knowledge.sources, answerText),
        };
      }
      return undefined;
    },
    onError: encodeUpstreamError,
  });
  return await respondOnFirstChunk(stream, responseHeaders, encodeUpstreamError);
}
