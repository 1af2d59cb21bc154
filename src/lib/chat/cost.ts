import { formatCount } from "../formatCount.ts";
import type { MessageMetadata } from "./messages.ts";

// What an answer cost: its token usage times the model's price. Prices are USD per million
// tokens, as /api/models serves them; either side may be unknown. Chutes bills thinking as
// output (it is part of outputTokens) and prompt tokens read from its cache at the cache price.

export type Usage = NonNullable<MessageMetadata["usage"]>;

export interface Pricing {
  /** USD per 1M input tokens. */
  input: number | null;
  /** USD per 1M output tokens. */
  output: number | null;
  /** USD per 1M prompt tokens served from the cache; unknown means the full input price. */
  cacheRead?: number | null;
}

/** Tokens used, preferring the provider's total when it gave one. */
export function totalTokens(usage: Usage): number {
  return usage.totalTokens ?? (usage.inputTokens ?? 0) + (usage.outputTokens ?? 0);
}

/**
 * USD for one answer, or null when a price it needs is unknown. A side with zero tokens needs no
 * price (an answer with no output is priced by its input alone).
 */
export function answerCost(usage: Usage, pricing: Pricing | null | undefined): number | null {
  if (!pricing) return null;
  const input = usage.inputTokens ?? 0;
  const output = usage.outputTokens ?? 0;
  if (usage.inputTokens === undefined && usage.outputTokens === undefined) return null;
  if ((input > 0 && pricing.input === null) || (output > 0 && pricing.output === null)) return null;
  const cached = Math.min(usage.cachedInputTokens ?? 0, input);
  const inputPrice = pricing.input ?? 0;
  const cachePrice = pricing.cacheRead ?? inputPrice;
  return ((input - cached) * inputPrice + cached * cachePrice + output * (pricing.output ?? 0)) / 1e6;
}

export interface ConversationCost {
  tokens: number;
  /** Sum over the answers whose cost is known. */
  cost: number;
  /** Answers with usage but no known price: the cost is then a lower bound. */
  unpricedAnswers: number;
  pricedAnswers: number;
}

/** Running total over every answer that reported usage. */
export function conversationCost(
  answers: ReadonlyArray<{ metadata?: MessageMetadata | undefined }>,
  pricingOf: (model: string | undefined) => Pricing | null | undefined,
): ConversationCost {
  const total: ConversationCost = { tokens: 0, cost: 0, unpricedAnswers: 0, pricedAnswers: 0 };
  for (const { metadata } of answers) {
    if (!metadata?.usage) continue;
    total.tokens += totalTokens(metadata.usage);
    const cost = answerCost(metadata.usage, pricingOf(metadata.model));
    if (cost === null) total.unpricedAnswers++;
    else {
      total.cost += cost;
      total.pricedAnswers++;
    }
  }
  return total;
}

/** "$0.00013" for tiny sums (two significant digits), "$0.0421", "$1.25". */
export function formatUsd(usd: number): string {
  if (usd === 0) return "$0";
  if (usd >= 1) return `$${usd.toFixed(2)}`;
  if (usd >= 0.01) return `$${trimZeros(usd.toFixed(4))}`;
  // toPrecision switches to exponent notation below 1e-6.
  if (usd < 0.000001) return "<$0.000001";
  return `$${trimZeros(usd.toPrecision(2))}`;
}

function trimZeros(text: string): string {
  return text.includes(".") ? text.replace(/0+$/, "").replace(/\.$/, "") : text;
}

export function formatTokens(tokens: number): string {
  return `${formatCount(tokens)} ${tokens === 1 ? "token" : "tokens"}`;
}

/** "412 tokens · $0.00013", or tokens alone when the price is unknown. */
export function formatUsageLine(usage: Usage, pricing: Pricing | null | undefined): string {
  const cost = answerCost(usage, pricing);
  const tokens = formatTokens(totalTokens(usage));
  return cost === null ? tokens : `${tokens} · ${formatUsd(cost)}`;
}
