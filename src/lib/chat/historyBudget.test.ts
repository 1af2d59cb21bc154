import { describe, expect, it } from "vitest";
import { countTokens, countTokensUpTo } from "../rag/tokens.ts";
import { fitHistory } from "./historyBudget.ts";

const turn = (role: "user" | "assistant", size: number, tag: string) => ({ role, size, tag });
const cost = (m: { size: number }) => m.size;

describe("fitHistory", () => {
  it("keeps everything that fits", () => {
    const messages = [turn("user", 10, "q1"), turn("assistant", 10, "a1"), turn("user", 10, "q2")];
    expect(fitHistory(messages, 100, cost)).toEqual(messages);
  });

  it("drops the oldest turns first and never starts with an answer", () => {
    const messages = [
      turn("user", 40, "q1"),
      turn("assistant", 40, "a1"),
      turn("user", 30, "q2"),
      turn("assistant", 30, "a2"),
      turn("user", 30, "q3"),
    ];
    expect(fitHistory(messages, 100, cost).map((m) => m.tag)).toEqual(["q2", "a2", "q3"]);
    expect(fitHistory(messages, 70, cost).map((m) => m.tag)).toEqual(["q3"]);
  });

  it("always keeps the latest question, even when it alone is over budget", () => {
    const messages = [turn("user", 10, "q1"), turn("assistant", 10, "a1"), turn("user", 500, "q2")];
    expect(fitHistory(messages, 100, cost).map((m) => m.tag)).toEqual(["q2"]);
  });
});

describe("fitHistory with counts that stop at the room left", () => {
  const words = (n: number, tag: string) => Array.from({ length: n }, (_, i) => `${tag}${i}`).join(" ");
  const conversation = [
    { role: "user", text: words(20_000, "paste") }, // a long paste, long ago
    { role: "assistant", text: words(300, "summary") },
    { role: "user", text: words(40, "q") },
    { role: "assistant", text: words(900, "answer") },
    { role: "user", text: words(60, "follow") },
  ];

  it("keeps the same turns as counting every message whole", () => {
    for (const budget of [10, 200, 2_000, 3_000, 6_000, 200_000]) {
      const exact = fitHistory(conversation, budget, (m) => countTokens(m.text));
      const stopped = fitHistory(conversation, budget, (m, room) =>
        countTokensUpTo(m.text, Math.max(0, room)),
      );
      expect(stopped, `budget ${budget}`).toEqual(exact);
    }
  });

  it("is told the room left after the newer turns", () => {
    const rooms: number[] = [];
    fitHistory(conversation.slice(2), 1_000, (m, room) => {
      rooms.push(room);
      return m.text.split(" ").length;
    });
    expect(rooms).toEqual([1_000, 940, 40]);
  });
});
