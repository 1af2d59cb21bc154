import { expect, keys, test } from "./fixtures.ts";
import { AnswerView } from "./pages/AnswerView.ts";

// Reasoning models as Chutes serves them, one per shape of thinking (the emulator's catalog):
// the user sees the same thing for each: a Thinking block that streams open, then collapses to
// how long it took and its tokens, and an answer with no tag text.

const SHAPES = [
  { shape: "reasoning_content deltas", model: "deepseek-ai/DeepSeek-R1-0528-TEE", counted: true },
  { shape: "reasoning deltas", model: "Qwen/Qwen3-235B-A22B-Thinking-2507", counted: true },
  { shape: "inline <think> tags split across chunks", model: "zai-org/GLM-4.5-Air", counted: false },
] as const;

const QUESTION = "Why is the sky blue?";

test.describe("reasoning models", () => {
  for (const { shape, model, counted } of SHAPES) {
    test(`${shape}: a live Thinking block, then a clean answer`, async ({ setup, chat, emulator }) => {
      await setup.connectWithKey(keys.admin);
      await chat.selectModel(model);
      // Slow enough to see the thinking stream in.
      await emulator.configure({ tokenDelayMs: 60 });
      await chat.send(QUESTION);

      const answer = new AnswerView(chat.lastAnswer());
      await expect(answer.thinking).toHaveAttribute("data-state", "thinking");
      await expect(answer.thinkingSummary).toHaveText("Thinking…");
      expect(await answer.isThinkingOpen()).toBe(true);
      await expect(answer.thinkingText).toContainText(`The user wants to know: "${QUESTION}"`);

      await expect(chat.stopButton).toBeHidden({ timeout: 20_000 });
      await expect(answer.thinking).toHaveAttribute("data-state", "done");
      expect(await answer.isThinkingOpen()).toBe(false);
      await expect(answer.thinkingSummary).toHaveText(
        counted ? /^Thought for (\d+ s|less than a second) · \d+ tokens$/ : /· ~\d+ tokens$/,
      );
      await expect(answer.answerText).toContainText(`You asked: "${QUESTION}"`);
      const text = (await answer.answerText.textContent()) ?? "";
      expect(text.trimStart().startsWith("You asked")).toBe(true);
      expect(text).not.toMatch(/<\/?think|think>|The user wants to know/);

      // Opening the block shows the thinking again.
      await answer.thinkingSummary.click();
      expect(await answer.isThinkingOpen()).toBe(true);
    });
  }

  test("a <think> that never closes: thinking shown, no tag text, a note instead of an answer", async ({
    setup,
    chat,
  }) => {
    await setup.connectWithKey(keys.admin);
    await chat.selectModel("tngtech/DeepSeek-TNG-R1T2-Chimera");
    await chat.send(QUESTION);
    const answer = new AnswerView(chat.lastAnswer());
    await expect(chat.stopButton).toBeHidden({ timeout: 20_000 });
    await expect(answer.thinking).toHaveAttribute("data-state", "done");
    await expect(answer.noAnswerNote).toBeVisible();
    await expect(answer.answerText).toHaveCount(0);
    await expect(chat.lastAnswer()).not.toContainText("<think");
  });

  test("the thinking stays with the conversation after a reload, and is not sent back", async ({
    setup,
    chat,
    emulator,
    page,
  }) => {
    await setup.connectWithKey(keys.admin);
    await chat.selectModel("deepseek-ai/DeepSeek-R1-0528-TEE");
    await chat.send(QUESTION);
    await expect(chat.stopButton).toBeHidden({ timeout: 20_000 });
    await page.reload();
    const answer = new AnswerView(chat.lastAnswer());
    await expect(answer.thinkingSummary).toHaveText(/^Thought for .* · \d+ tokens$/);
    await answer.thinkingSummary.click();
    await expect(answer.thinkingText).toContainText("The user wants to know");

    await emulator.reset();
    await chat.send("And at sunset?");
    await expect(chat.stopButton).toBeHidden({ timeout: 20_000 });
    const [call] = await emulator.requests({ path: "/llm/v1/chat/completions" });
    expect(JSON.stringify(call?.body)).not.toContain("The user wants to know");
    expect(JSON.stringify(call?.body)).toContain(QUESTION);
  });
});
