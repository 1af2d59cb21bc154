import { describe, expect, it } from "vitest";
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
