// A small stand-in for OpenRouter, the app's second provider, under /openrouter/api/v1: key info,
// credits, models and streamed chat. Only what the app uses; error bodies in OpenRouter's shape
// ({"error": {"code", "message"}}), which differs from Chutes' FastAPI {"detail"}.
import { randomUUID } from "node:crypto";
import type { ServerResponse } from "node:http";
import { type ChatMessage, composeAnswer, countTokens, tokenize } from "./answer.ts";
import type { RequestContext } from "./context.ts";
import { isRecord, sendJson } from "./http.ts";
import { SSE_HEADERS, sseData, writePaced } from "./sse.ts";

export const OPENROUTER_KEY = `sk-or-v1-${"0f1e2d3c4b5a6978".repeat(4)}`;
export const OPENROUTER_BROKE_KEY = `sk-or-v1-${"b0b0b0b0b0b0b0b0".repeat(4)}`;

const ACCOUNTS: Record<string, { label: string; credits: number; usage: number }> = {
  [OPENROUTER_KEY]: { label: "sk-or-v1-0f1...978", credits: 10, usage: 2.5 },
  [OPENROUTER_BROKE_KEY]: { label: "sk-or-v1-b0b...0b0", credits: 5, usage: 5 },
};

const MODELS = [
  {
    id: "meta-llama/llama-3.3-70b-instruct",
    name: "Meta: Llama 3.3 70B Instruct",
    context_length: 131072,
    // OpenRouter prices are USD per token, as strings.
    pricing: { prompt: "0.00000013", completion: "0.0000004" },
  },
  {
    id: "mistralai/mistral-small-3.2-24b-instruct",
    name: "Mistral: Mistral Small 3.2 24B",
    context_length: 128000,
    pricing: { prompt: "0.00000005", completion: "0.0000001" },
  },
];

function error(res: ServerResponse, status: number, message: string): void {
  sendJson(res, status, { error: { code: status, message } });
}

function account(ctx: RequestContext) {
  const header = ctx.req.headers.authorization ?? "";
  const key = header.startsWith("Bearer ") ? header.slice(7) : "";
  const found = ACCOUNTS[key];
  if (!found) error(ctx.res, 401, "No auth credentials found");
  return found;
}

export function handleOpenRouterKey(ctx: RequestContext): void {
  const found = account(ctx);
  if (!found) return;
  sendJson(ctx.res, 200, {
    data: { label: found.label, usage: found.usage, limit: null, limit_remaining: null, is_free_tier: false },
  });
}

export function handleOpenRouterCredits(ctx: RequestContext): void {
  const found = account(ctx);
  if (!found) return;
  sendJson(ctx.res, 200, { data: { total_credits: found.credits, total_usage: found.usage } });
}

export function handleOpenRouterModels(ctx: RequestContext): void {
  sendJson(ctx.res, 200, { data: MODELS });
}

export async function handleOpenRouterChat(ctx: RequestContext): Promise<void> {
  const found = account(ctx);
  if (!found) return;
  if (found.credits - found.usage <= 0) {
    return error(ctx.res, 402, "Insufficient credits. Add more using https://openrouter.ai/settings/credits");
  }
  const body = isRecord(ctx.body.value) ? ctx.body.value : {};
  const model = typeof body.model === "string" ? body.model : "";
  if (!MODELS.some((m) => m.id === model)) return error(ctx.res, 400, `${model} is not a valid model ID`);
  const messages: ChatMessage[] = Array.isArray(body.messages)
    ? body.messages.filter(isRecord).map((m) => ({
        role: String(m.role),
        content: typeof m.content === "string" ? m.content : JSON.stringify(m.content),
      }))
    : [];
  const tokens = tokenize(composeAnswer(model, messages));
  const id = `gen-${randomUUID()}`;
  const promptTokens = countTokens(messages);
  const frames = tokens.map((content, i) =>
    sseData({
      id,
      object: "chat.completion.chunk",
      model,
      choices: [{ index: 0, delta: { content }, finish_reason: i === tokens.length - 1 ? "stop" : null }],
      ...(i === tokens.length - 1
        ? {
            usage: {
              prompt_tokens: promptTokens,
              completion_tokens: tokens.length,
              total_tokens: promptTokens + tokens.length,
            },
          }
        : {}),
    }),
  );
  frames.push(sseData("[DONE]"));
  const delay = ctx.emu.settings.tokenDelayMs;
  await writePaced(ctx.res, {
    status: 200,
    headers: SSE_HEADERS,
    frames,
    firstDelayMs: ctx.emu.settings.firstTokenDelayMs ?? delay,
    intervalMs: delay,
  });
}
