import { describe, expect, it } from "vitest";
import { HISTORY_TOKEN_BUDGET } from "../api/chat.ts";
import { DOCUMENT_LIMITS, documentPart } from "../api/documents.ts";
import { CONTEXT_TOKEN_BUDGET } from "../rag/settings.ts";
import { attachedDocumentTokens, estimateTurn, knowledgeEstimate } from "./estimate.ts";
import { BASE_SYSTEM_PROMPT } from "./systemPrompt.ts";

// Hand-computed with a counter of one token per word, so every figure can be checked by eye.
const words = (text: string) => text.split(/\s+/).filter(Boolean).length;
const turn = (role: "user" | "assistant", text: string) => ({
  role,
  parts: [{ type: "text" as const, text }],
});
const model = { pricing: { input: 0.4, output: 1.75 }, contextLength: 1000, maxOutputTokens: 500 };

const base = {
  knowledgeTokens: 100,
  history: [turn("user", "one two three"), turn("assistant", "four five")],
  message: "six seven eight nine",
  model,
  countTokens: words,
};

describe("estimateTurn", () => {
  it("adds up system prompt, sources, history and the new message, with per-message overhead", () => {
    expect(words(BASE_SYSTEM_PROMPT)).toBe(15);
    const estimate = estimateTurn(base);
    // system 15 + 4; sources 100; history (3 + 4) + (2 + 4); message 4 + 4 + 2 (reply priming).
    expect(estimate.breakdown).toEqual({ system: 19, knowledge: 100, history: 13, message: 10 });
    expect(estimate.promptTokens).toBe(142);
    // 142 × $0.40 / 1M
    expect(estimate.promptCost).toBeCloseTo(0.0000568, 12);
    // The output limit (500) is below what the context leaves (1000 − 142 = 858).
    expect(estimate.outputCeiling).toBe(500);
    // 0.0000568 + 500 × $1.75 / 1M
    expect(estimate.maxCost).toBeCloseTo(0.0009318, 12);
    expect(estimate.contextShare).toBeCloseTo(0.142, 12);
    expect(estimate.contextWarning).toBeNull();
  });

  it("counts a document attached to the new message with the sources, up to its budget", () => {
    const report = documentPart("report.txt", "text/plain", "alpha beta gamma delta");
    const image = { type: "file", mediaType: "image/png", url: "data:image/png;base64,AAAA" };
    const attachedTokens = attachedDocumentTokens([report, image], words);
    expect(attachedTokens).toBe(4);
    expect(estimateTurn({ ...base, attachedTokens }).breakdown.knowledge).toBe(104);
    const huge = documentPart("huge.txt", "text/plain", "word ".repeat(DOCUMENT_LIMITS.promptTokens + 500));
    expect(attachedDocumentTokens([huge], words)).toBe(DOCUMENT_LIMITS.promptTokens);
  });

  it("counts the user's instructions with the app's prompt", () => {
    // "The user's instructions for this conversation:" is 6 words, plus "Be brief." 2.
    const estimate = estimateTurn({ ...base, systemPrompt: "  Be brief. " });
    expect(estimate.breakdown.system).toBe(19 + 6 + 2);
  });

  it("takes the conversation's own output limit, and the context's room when that is smaller", () => {
    expect(estimateTurn({ ...base, maxOutputTokens: 50 }).outputCeiling).toBe(50);
    const tight = estimateTurn({ ...base, model: { ...model, contextLength: 170 } });
    expect(tight.outputCeiling).toBe(28);
    expect(tight.contextWarning).toBe("near");
    const over = estimateTurn({ ...base, model: { ...model, contextLength: 100 } });
    expect(over.contextWarning).toBe("over");
    expect(over.outputCeiling).toBe(0);
  });

  it("leaves out history beyond the route's budget, oldest first", () => {
    const long = Array.from({ length: HISTORY_TOKEN_BUDGET }, () => "w").join(" ");
    const estimate = estimateTurn({
      ...base,
      history: [turn("user", long), turn("assistant", "ok"), ...base.history],
    });
    expect(estimate.droppedMessages).toBe(2);
    expect(estimate.breakdown.history).toBe(13);
  });

  it("has no price or ceiling for an unknown model, but still counts tokens", () => {
    const estimate = estimateTurn({ ...base, model: null });
    expect(estimate.promptTokens).toBe(142);
    expect(estimate.promptCost).toBeNull();
    expect(estimate.maxCost).toBeNull();
    expect(estimate.contextWarning).toBeNull();
  });

  it("counts each history message once, however often the estimate runs (it runs per key press)", () => {
    const counted: string[] = [];
    const counter = (text: string) => {
      counted.push(text);
      return words(text);
    };
    const history = Array.from({ length: 200 }, (_, i) => turn(i % 2 ? "assistant" : "user", `message ${i}`));
    const first = estimateTurn({ ...base, history, countTokens: counter });
    const historyCounts = counted.filter((text) => text.startsWith("message ")).length;
    // Fitting the budget and adding up what fits read each message once.
    expect(historyCounts).toBe(200);

    counted.length = 0;
    const again = estimateTurn({
      ...base,
      history,
      message: "six seven eight nine ten",
      countTokens: counter,
    });
    expect(counted.filter((text) => text.startsWith("message "))).toEqual([]);
    expect(again.breakdown.history).toBe(first.breakdown.history);
    expect(again.breakdown.message).toBe(first.breakdown.message + 1);

    // A message the chat replaced (a new object, e.g. an edited question) is counted afresh.
    const edited = [...history.slice(0, -1), turn("assistant", "message edited to be longer")];
    counted.length = 0;
    const after = estimateTurn({ ...base, history: edited, countTokens: counter });
    expect(counted.filter((text) => text.startsWith("message "))).toEqual(["message edited to be longer"]);
    expect(after.breakdown.history).toBe(first.breakdown.history + 3);
  });
});

describe("knowledgeEstimate", () => {
  it("is nothing without a knowledge base, the full budget at first, then the last block's size", () => {
    expect(knowledgeEstimate([], false)).toBe(0);
    expect(knowledgeEstimate([], true)).toBe(CONTEXT_TOKEN_BUDGET);
    const history = [
      { role: "assistant" as const, metadata: { knowledgeTokens: 900 } },
      { role: "user" as const },
      { role: "assistant" as const, metadata: { knowledgeTokens: 812 } },
    ];
    expect(knowledgeEstimate(history, true)).toBe(812);
    // A new conversation starts from the last block seen anywhere.
    expect(knowledgeEstimate([], true, 640)).toBe(640);
    expect(knowledgeEstimate(history, true, 640)).toBe(812);
  });
});
