import { describe, expect, it } from "vitest";
import {
  answerCost,
  conversationCost,
  formatTokens,
  formatUsageLine,
  formatUsd,
  totalTokens,
} from "./cost.ts";

const deepseek = { input: 0.25, output: 0.38 };

describe("answerCost", () => {
  it("is input tokens × input price + output tokens × output price, per million", () => {
    // 300 × 0.25 / 1e6 + 112 × 0.38 / 1e6
    expect(answerCost({ inputTokens: 300, outputTokens: 112, totalTokens: 412 }, deepseek)).toBeCloseTo(
      0.00011756,
      12,
    );
    expect(answerCost({ inputTokens: 1_000_000, outputTokens: 1_000_000 }, deepseek)).toBeCloseTo(0.63, 12);
  });

  it("is unknown without a price for a side that used tokens", () => {
    expect(answerCost({ inputTokens: 10, outputTokens: 5 }, null)).toBeNull();
    expect(answerCost({ inputTokens: 10, outputTokens: 5 }, { input: 0.25, output: null })).toBeNull();
    expect(answerCost({ inputTokens: 10, outputTokens: 5 }, { input: null, output: null })).toBeNull();
    // No output tokens: the output price is not needed.
    expect(answerCost({ inputTokens: 1000, outputTokens: 0 }, { input: 0.5, output: null })).toBeCloseTo(
      0.0005,
      12,
    );
  });

  it("prices cached prompt tokens at the cache-read price, and thinking as output", () => {
    const pricing = { input: 0.4, output: 1.75, cacheRead: 0.2 };
    // 1000 input of which 600 cached, 500 output of which 300 thinking:
    // (400 × 0.4 + 600 × 0.2 + 500 × 1.75) / 1e6 = (160 + 120 + 875) / 1e6
    const usage = { inputTokens: 1000, cachedInputTokens: 600, outputTokens: 500, reasoningTokens: 300 };
    expect(answerCost(usage, pricing)).toBeCloseTo(0.001155, 12);
    // Without a cache price, cached tokens cost the full input price.
    expect(answerCost(usage, { input: 0.4, output: 1.75 })).toBeCloseTo(0.001275, 12);
  });

  it("is unknown when the usage has no token counts", () => {
    expect(answerCost({ totalTokens: 10 }, deepseek)).toBeNull();
  });
});

describe("totals and formatting", () => {
  it("prefers the reported total and falls back to input + output", () => {
    expect(totalTokens({ inputTokens: 3, outputTokens: 4, totalTokens: 9 })).toBe(9);
    expect(totalTokens({ inputTokens: 3, outputTokens: 4 })).toBe(7);
  });

  it("formats dollars for tiny and ordinary sums", () => {
    expect(formatUsd(0.00011756)).toBe("$0.00012");
    expect(formatUsd(0.000133)).toBe("$0.00013");
    expect(formatUsd(0.0421)).toBe("$0.0421");
    expect(formatUsd(0.05)).toBe("$0.05");
    expect(formatUsd(1.254)).toBe("$1.25");
    expect(formatUsd(0)).toBe("$0");
    expect(formatUsd(0.00000001)).toBe("<$0.000001");
  });

  it("writes the usage line with tokens and cost, or tokens alone when the price is unknown", () => {
    const usage = { inputTokens: 300, outputTokens: 112, totalTokens: 412 };
    expect(formatUsageLine(usage, deepseek)).toBe("412 tokens · $0.00012");
    expect(formatUsageLine(usage, undefined)).toBe("412 tokens");
    expect(formatTokens(1)).toBe("1 token");
    expect(formatTokens(12345)).toBe("12,345 tokens");
  });

  it("sums a conversation, counting answers it cannot price", () => {
    const prices: Record<string, { input: number | null; output: number | null }> = {
      a: deepseek,
      b: { input: 0.05, output: 0.2 },
    };
    const total = conversationCost(
      [
        { metadata: { model: "a", usage: { inputTokens: 300, outputTokens: 112, totalTokens: 412 } } },
        { metadata: { model: "b", usage: { inputTokens: 1000, outputTokens: 500, totalTokens: 1500 } } },
        { metadata: { model: "unknown", usage: { inputTokens: 10, outputTokens: 10, totalTokens: 20 } } },
        { metadata: { model: "a" } },
        {},
      ],
      (model) => (model ? prices[model] : undefined),
    );
    expect(total.tokens).toBe(412 + 1500 + 20);
    expect(total.cost).toBeCloseTo(0.00011756 + 0.00005 + 0.0001, 12);
    expect(total.pricedAnswers).toBe(2);
    expect(total.unpricedAnswers).toBe(1);
  });
});
