import type { Locator } from "@playwright/test";

/** One assistant answer: its thinking block (summary, text) and the answer text below it. */
export class AnswerView {
  readonly root: Locator;
  readonly thinking: Locator;
  readonly thinkingSummary: Locator;
  readonly thinkingText: Locator;
  /** The rendered answer, without the thinking. */
  readonly answerText: Locator;
  /** Shown when the model stopped while thinking. */
  readonly noAnswerNote: Locator;

  constructor(root: Locator) {
    this.root = root;
    this.thinking = root.getByTestId("thinking");
    this.thinkingSummary = this.thinking.locator("summary");
    this.thinkingText = root.getByTestId("thinking-text");
    this.answerText = root.locator(".markdown");
    this.noAnswerNote = root.getByTestId("no-answer");
  }

  async isThinkingOpen(): Promise<boolean> {
    return await this.thinking.evaluate((el) => (el as HTMLDetailsElement).open);
  }
}
