import { convertToModelMessages, safeValidateUIMessages, streamText } from "ai";
import { type ChatMessage, messageMetadataSchema } from "@/src/lib/chat/messages.ts";
import { BASE_SYSTEM_PROMPT } from "@/src/lib/chat/systemPrompt.ts";
import { chutesProvider } from "@/src/lib/chutes/provider.ts";
import { classifyUpstreamError } from "@/src/lib/chutes/upstreamErrors.ts";
import { getConfig } from "@/src/lib/config.ts";
import { resolveCredential } from "@/src/lib/credentials.ts";
import { encodeAppError, errorResponse } from "@/src/lib/errors.ts";
import { readJsonBody, rejectCrossOrigin } from "@/src/lib/http/guards.ts";
import { chatRequestSchema } from "./schema.ts";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export async function POST(request: Request): Promise<Response> {
  const refused = rejectCrossOrigin(request);
  if (refused) return refused;
  const body = await readJsonBody(request, chatRequestSchema);
  if (!body.ok) return body.response;

  const resolved = await resolveCredential(request);
  if (!resolved.ok) return errorResponse(resolved.error.code, resolved.error.message);
  const { credential } = resolved;

  const validated = await safeValidateUIMessages<ChatMessage>({
    messages: body.data.messages,
    metadataSchema: messageMetadataSchema,
  });
  if (!validated.success) return errorResponse("invalid_request", "The conversation could not be read.");

  const config = getConfig();
  const model = body.data.model;
  const result = streamText({
    model: chutesProvider(credential, config).chatModel(model),
    system: BASE_SYSTEM_PROMPT,
    messages: await convertToModelMessages(validated.data),
    // The browser's Stop aborts this request; passing the signal on closes the upstream call,
    // which is what stops Chutes from billing further tokens.
    abortSignal: request.signal,
    // Chutes already retries across instances; a second layer here would multiply waits and cost.
    maxRetries: 0,
  });

  return result.toUIMessageStreamResponse<ChatMessage>({
    messageMetadata: ({ part }) => {
      if (part.type === "start") return { model };
      if (part.type === "finish") {
        const { inputTokens, outputTokens, totalTokens } = part.totalUsage;
        return { model, usage: { inputTokens, outputTokens, totalTokens }, finishedAt: Date.now() };
      }
      return undefined;
    },
    onError: (error) => encodeAppError(classifyUpstreamError(error, credential.kind)),
  });
}
