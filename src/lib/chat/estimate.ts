import { HISTORY_TOKEN_BUDGET } from "../api/chat.ts";
import { DOCUMENT_LIMITS, documentText, isDocumentPart } from "../api/documents.ts";
import { CONTEXT_TOKEN_BUDGET } from "../rag/settings.ts";
import type { Pricing } from "./cost.ts";
import { fitHistory } from "./historyBudget.ts";
import { type ChatMessage, messageText } from "./messages.ts";
import { BASE_SYSTEM_PROMPT } from "./systemPrompt.ts";

// What the next turn will cost, before it is sent: the prompt the route will build (its system
// prompt, the user's instructions, the knowledge-base sources, the history that fits its budget,
// the new message), priced at the model's rates, plus the most the answer can add. The token
// counter is passed in: the route counts with gpt-tokenizer, and the estimate should use the same
// one. Chat templates add a few tokens per message (role markers): the OpenAI convention of four
// per message and two to prime the reply is used, as Chutes' engines are close to it.

export const TOKENS_PER_MESSAGE = 4;
export const TOKENS_PER_REPLY = 2;
/** From this share of the context on, the gauge warns. */
export const CONTEXT_WARN_SHARE = 0.8;

export type CountTokens = (text: string) => number;

export interface TurnEstimateInput {
  /** The user's instructions for this conversation (the app's own prompt is added here). */
  systemPrompt?: string;
  /** The sources block: the previous answer's size, or the full budget when nothing is known yet. */
  knowledgeTokens: number;
  /** Documents attached to the new message: their passages join the sources block. */
  attachedTokens?: number;
  /** The conversation before the new message (for a regenerate: before the question answered). */
  history: ReadonlyArray<Pick<ChatMessage, "role" | "parts">>;
  message: string;
  model: {
    pricing: Pricing | null;
    contextLength: number | null;
    maxOutputTokens: number | null;
  } | null;
  /** The conversation's own output limit, if set. */
  maxOutputTokens?: number;
  countTokens: CountTokens;
}

export interface TurnEstimate {
  promptTokens: number;
  breakdown: { system: number; knowledge: number; history: number; message: number };
  /** History messages left out because they do not fit the route's budget. */
  droppedMessages: number;
  /** USD for the prompt, null when the price is unknown. */
  promptCost: number | null;
  /** The most tokens the answer may have (the output limit, or what the context leaves). */
  outputCeiling: number | null;
  /** USD for the prompt plus a full-length answer. */
  maxCost: number | null;
  contextLength: number | null;
  /** promptTokens / contextLength. */
  contextShare: number | null;
  contextWarning: "near" | "over" | null;
}

/** The system prompt as the route writes it, without the sources block. */
export function systemPromptText(userPrompt: string | undefined): string {
  const own = userPrompt?.trim();
  return own
    ? `${BASE_SYSTEM_PROMPT}\n\nThe user's instructions for this conversation:\n${own}`
    : BASE_SYSTEM_PROMPT;
}

/** About four characters per token: for when no tokenizer is loaded. */
export const roughTokens: CountTokens = (text) => Math.ceil(text.length / 4);

/**
 * The sources estimate for the next question: this conversation's last block, else the last one
 * seen in any conversation (`recent`, kept by the browser), else the whole budget (a ceiling).
 */
export function knowledgeEstimate(
  history: ReadonlyArray<Pick<ChatMessage, "role" | "metadata">>,
  knowledgeBaseAvailable: boolean,
  recent?: number,
): number {
  if (!knowledgeBaseAvailable) return 0;
  const last = history.findLast((m) => m.role === "assistant" && m.metadata?.knowledgeTokens !== undefined);
  return last?.metadata?.knowledgeTokens ?? recent ?? CONTEXT_TOKEN_BUDGET;
}

// Token counts of messages, per counter. The estimate runs on every key press in the composer, and
// the history it fits is up to the route's whole budget (in a long chat, dozens of messages): counted
// afresh, a key press cost tens of milliseconds. Messages in the chat's list are replaced, never
// changed in place, so the object is the key.
const countedByCounter = new WeakMap<CountTokens, WeakMap<object, number>>();

/** Tokens of a message's text, counted once per message object and counter. */
export function messageTokens(message: Pick<ChatMessage, "parts">, countTokens: CountTokens): number {
  let counted = countedByCounter.get(countTokens);
  if (!counted) {
    counted = new WeakMap();
    countedByCounter.set(countTokens, counted);
  }
  let tokens = counted.get(message);
  if (tokens === undefined) {
    tokens = countTokens(messageText(message));
    counted.set(message, tokens);
  }
  return tokens;
}

export function estimateTurn(input: TurnEstimateInput): TurnEstimate {
  const { countTokens } = input;
  const newMessage = { role: "user", parts: [{ type: "text" as const, text: input.message }] };
  const textTokens = (m: Pick<ChatMessage, "parts">) => messageTokens(m, countTokens);
  // The route fits the conversation, new message included, with the same rule.
  const fitted = fitHistory([...input.history, newMessage], HISTORY_TOKEN_BUDGET, textTokens);
  const kept = fitted.slice(0, -1);

  const system = countTokens(systemPromptText(input.systemPrompt)) + TOKENS_PER_MESSAGE;
  const knowledge = input.knowledgeTokens + (input.attachedTokens ?? 0);
  const history = kept.reduce((sum, m) => sum + textTokens(m) + TOKENS_PER_MESSAGE, 0);
  const message = countTokens(input.message) + TOKENS_PER_MESSAGE + TOKENS_PER_REPLY;
  const promptTokens = system + knowledge + history + message;

  const pricing = input.model?.pricing ?? null;
  const contextLength = input.model?.contextLength ?? null;
  const limit = input.maxOutputTokens ?? input.model?.maxOutputTokens ?? null;
  const room = contextLength === null ? null : Math.max(0, contextLength - promptTokens);
  const outputCeiling = limit === null ? room : room === null ? limit : Math.min(limit, room);

  const promptCost = pricing?.input == null ? null : (promptTokens * pricing.input) / 1e6;
  const maxCost =
    promptCost === null || outputCeiling === null || pricing?.output == null
      ? null
      : promptCost + (outputCeiling * pricing.output) / 1e6;
  const contextShare = contextLength ? promptTokens / contextLength : null;
  const contextWarning =
    contextShare === null
      ? null
      : contextShare >= 1
        ? "over"
        : contextShare >= CONTEXT_WARN_SHARE
          ? "near"
          : null;

  return {
    promptTokens,
    breakdown: { system, knowledge, history, message },
    droppedMessages: input.history.length - kept.length,
    promptCost,
    outputCeiling,
    maxCost,
    contextLength,
    contextShare,
    contextWarning,
  };
}

/** What documents attached to the next message add to the prompt: their text, up to its budget. */
export function attachedDocumentTokens(
  files: ReadonlyArray<{ type: string; mediaType?: unknown; url?: string }>,
  count: CountTokens,
): number {
  const tokens = files
    .filter(isDocumentPart)
    .reduce((sum, document) => sum + count(documentText(document)), 0);
  return Math.min(tokens, DOCUMENT_LIMITS.promptTokens);
}
