import { convertToModelMessages, safeValidateUIMessages, streamText } from "ai";
import type { NextRequest } from "next/server";
import { type ChatMessage, messageMetadataSchema } from "@/src/lib/chat/messages.ts";
import { respondOnFirstChunk } from "@/src/lib/chat/respondOnFirstChunk.ts";
import { BASE_SYSTEM_PROMPT } from "@/src/lib/chat/systemPrompt.ts";
import { chutesProvider } from "@/src/lib/chutes/provider.ts";
import { classifyUpstreamError } from "@/src/lib/chutes/upstreamErrors.ts";
import { getConfig } from "@/src/lib/config.ts";
import { refreshAfterUnauthorized, resolveCredential } from "@/src/lib/credentials.ts";
import { encodeAppError, errorResponse } from "@/src/lib/errors.ts";
import { readJsonBody, rejectCrossOrigin } from "@/src/lib/http/guards.ts";
import { chatRequestSchema } from "./schema.ts";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export async function POST(request: NextRequest): Promise<Response> {
  const refused = rejectCrossOrigin(request);
  if (refused) return refused;
  const body = await readJsonBody(request, chatRequestSchema);
  if (!body.ok) return body.response;

  const config = getConfig();
  const resolved = await resolveCredential(request, config);
  const responseHeaders = (): Record<string, string> => (setCookie ? { "set-cookie": setCookie } : {});
  let setCookie = resolved.setCookie;
  if (!resolved.ok)
    return errorResponse(resolved.error.code, resolved.error.message, { headers: responseHeaders() });
  let credential = resolved.credential;

  const validated = await safeValidateUIMessages<ChatMessage>({
    messages: body.data.messages,
    // User messages carry no metadata; assistant messages carry what this route sent.
    metadataSchema: messageMetadataSchema.optional(),
  });
  if (!validated.success) return errorResponse("invalid_request", "The conversation could not be read.");

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
  const result = streamText({
    model: chutesProvider(credential, config, retryOnUnauthorized).chatModel(model),
    system: BASE_SYSTEM_PROMPT,
    messages: await convertToModelMessages(validated.data),
    // The browser's Stop aborts this request; passing the signal on closes the upstream call,
    // which is what stops Chutes from billing further tokens.
    abortSignal: request.signal,
    // Chutes already retries across instances; a second layer here would multiply waits and cost.
    maxRetries: 0,
    // The default logs the whole error, request values included: user content has no place in
    // server logs. The code is enough to operate the service.
    onError: ({ error }) =>
      console.error(`chat: upstream failed (${classifyUpstreamError(error, credential).code})`),
  });

  const stream = result.toUIMessageStream<ChatMessage>({
    messageMetadata: ({ part }) => {
      if (part.type === "start") return { model };
      if (part.type === "finish") {
        const { inputTokens, outputTokens, totalTokens } = part.totalUsage;
        return { model, usage: { inputTokens, outputTokens, totalTokens }, finishedAt: Date.now() };
      }
      return undefined;
    },
    onError: encodeUpstreamError,
  });
  return await respondOnFirstChunk(stream, responseHeaders, encodeUpstreamError);
}
