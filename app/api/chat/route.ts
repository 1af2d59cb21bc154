import { convertToModelMessages, safeValidateUIMessages, streamText } from "ai";
import { CHAT_LIMITS, HISTORY_TOKEN_BUDGET } from "@/src/lib/api/chat.ts";
import { chatRequestSchema } from "@/src/lib/api/chatRequest.ts";
import { attachedDocuments } from "@/src/lib/chat/attachedDocuments.ts";
import { balanceBeforeFinish } from "@/src/lib/chat/balanceAfterAnswer.ts";
import { systemPromptText } from "@/src/lib/chat/estimate.ts";
import { fitHistory } from "@/src/lib/chat/historyBudget.ts";
import { knowledgeFor, sourcesMetadata } from "@/src/lib/chat/knowledge.ts";
import {
  type ChatMessage,
  messageMetadataSchema,
  messageText,
  withoutReasoning,
} from "@/src/lib/chat/messages.ts";
import { respondOnFirstChunk } from "@/src/lib/chat/respondOnFirstChunk.ts";
import { readChutesBalance } from "@/src/lib/chutes/balance.ts";
import { chatModelFor } from "@/src/lib/chutes/provider.ts";
import { encodeAppError, errorResponse } from "@/src/lib/errors.ts";
import { credentialRoute } from "@/src/lib/http/credentialRoute.ts";
import { log } from "@/src/lib/log.ts";
import { countTokensUpTo } from "@/src/lib/rag/tokens.ts";
import { shutdownSignal } from "@/src/lib/server/inflight.ts";
import { classifyUpstreamError } from "@/src/lib/upstream/classify.ts";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

// Built once: a schema made per request is built, and compiled on its first parse, per request.
const storedMetadataSchema = messageMetadataSchema.optional();

export const POST = credentialRoute(
  {
    name: "chat",
    rateLimit: "chat",
    body: chatRequestSchema,
    maxBodyBytes: CHAT_LIMITS.bodyBytes,
    answersWarmUp: true,
  },
  async (ctx) => {
    const validated = await safeValidateUIMessages<ChatMessage>({
      messages: ctx.body.messages,
      // User messages carry no metadata; assistant messages carry what this route sent.
      metadataSchema: storedMetadataSchema,
    });
    if (!validated.success) return errorResponse("invalid_request", "The conversation could not be read.");
    // Documents of the whole conversation become sources, even when their turn is out of the history budget.
    const attached = attachedDocuments(validated.data, { scope: ctx.credential.token });
    const history = fitHistory(attached.messages, HISTORY_TOKEN_BUDGET, (m, room) =>
      countTokensUpTo(messageText(m), Math.max(0, room)),
    );
    // The question as typed: an attached file's marker is not something to search for.
    const question = messageText(validated.data.findLast((m) => m.role === "user") ?? { parts: [] });
    const signal = ctx.request.signal;
    const knowledge = await knowledgeFor(question, ctx.credential, {
      signal,
      fetch: ctx.fetch,
      files: attached,
    });

    const encodeUpstreamError = (error: unknown) =>
      encodeAppError(classifyUpstreamError(error, ctx.credential));
    const model = ctx.body.model;
    const settings = ctx.body.settings ?? {};
    const ownSystem = systemPromptText(settings.systemPrompt);
    const system = knowledge.prompt ? `${ownSystem}\n\n${knowledge.prompt}` : ownSystem;
    let answerText = "";
    // Thinking time, measured here because the stream carries no timestamps.
    let reasoningStartedAt: number | undefined;
    let reasoningMs: number | undefined;
    const result = streamText({
      model: chatModelFor(ctx.credential, model, ctx.config, ctx.fetch),
      system,
      temperature: settings.temperature,
      topP: settings.topP,
      maxOutputTokens: settings.maxOutputTokens,
      ...(settings.reasoningEffort
        ? { providerOptions: { openaiCompatible: { reasoningEffort: settings.reasoningEffort } } }
        : {}),
      messages: await convertToModelMessages(withoutReasoning(history)),
      // The browser's Stop aborts this request; passing the signal on closes the upstream call,
      // which is what stops Chutes from billing further tokens.
      abortSignal: AbortSignal.any([signal, shutdownSignal()]),
      // Chutes already retries across instances; a second layer here would multiply waits and cost.
      maxRetries: 0,
      onChunk: ({ chunk }) => {
        if (chunk.type === "text-delta") answerText += chunk.text;
      },
      // The default logs the whole error, request values included: user content has no place in
      // server logs. The code is enough to operate the service.
      onError: ({ error }) =>
        log().error({ code: classifyUpstreamError(error, ctx.credential).code }, "chat: upstream failed"),
    });

    const stream = result.toUIMessageStream<ChatMessage>({
      messageMetadata: ({ part }) => {
        if (part.type === "start") {
          return {
            model,
            sources: sourcesMetadata(knowledge.sources),
            retrieval: knowledge.retrieval,
            ...(attached.notices.length > 0 ? { fileNotices: attached.notices } : {}),
            // What the sources block cost in prompt tokens: the next turn's estimate starts from it.
            // Counted while the block was fitted to its budget: tokenizing it again here cost the
            // first token a fraction of a millisecond per answer.
            knowledgeTokens: knowledge.promptTokens,
          };
        }
        if (part.type === "reasoning-start") reasoningStartedAt ??= Date.now();
        if (part.type === "reasoning-end" && reasoningStartedAt !== undefined) {
          reasoningMs = Date.now() - reasoningStartedAt;
          return { reasoningMs };
        }
        if (part.type === "finish") {
          const { inputTokens, outputTokens, totalTokens, outputTokenDetails, inputTokenDetails } =
            part.totalUsage;
          return {
            model,
            usage: {
              inputTokens,
              outputTokens,
              totalTokens,
              reasoningTokens: outputTokenDetails.reasoningTokens || undefined,
              cachedInputTokens: inputTokenDetails.cacheReadTokens || undefined,
            },
            reasoningMs,
            finishedAt: Date.now(),
            // Which sources the finished answer actually cites, by the ids the model was shown.
            sources: sourcesMetadata(knowledge.sources, answerText),
          };
        }
        return undefined;
      },
      onError: encodeUpstreamError,
    });
    const withBalance =
      ctx.body.readBalance && ctx.credential.provider === "chutes"
        ? stream.pipeThrough(balanceBeforeFinish(() => readChutesBalance(ctx.credential, ctx.config)))
        : stream;
    return await respondOnFirstChunk(withBalance, ctx.responseHeaders, encodeUpstreamError);
  },
);
