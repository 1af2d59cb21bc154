import { expect, keys, test } from "./fixtures.ts";

// Answer versions as a user lives them: edits and regenerates keep what they replaced, the
// ‹ n / m › switcher flips between them, and all of it is still there after a reload.

test("three versions of a question survive a reload, and the shown one stays shown", async ({
  setup,
  chat,
  page,
}) => {
  await setup.connectWithKey(keys.admin);
  await chat.ask("Question about cats");
  for (const next of ["Question about dogs", "Question about owls"]) {
    await chat.userMessages().first().getByRole("button", { name: "Edit" }).click();
    await page.getByRole("textbox", { name: "Edit message", exact: true }).fill(next);
    await page.getByRole("button", { name: "Save and resend" }).click();
    await expect(chat.lastAnswer()).toContainText(`You asked: "${next}"`);
    await expect(chat.stopButton).toBeHidden();
  }
  const question = chat.userMessages().first();
  await expect(question.getByTestId("version-position")).toHaveText("3 / 3");

  await page.reload();
  await expect(chat.lastAnswer()).toContainText('You asked: "Question about owls"');
  await expect(question.getByTestId("version-position")).toHaveText("3 / 3");

  await question.getByRole("button", { name: "Previous version of this message" }).click();
  await question.getByRole("button", { name: "Previous version of this message" }).click();
  await expect(question.getByTestId("version-position")).toHaveText("1 / 3");
  await expect(chat.lastAnswer()).toContainText('You asked: "Question about cats"');

  await page.reload();
  await expect(chat.lastAnswer()).toContainText('You asked: "Question about cats"');
  await expect(question.getByTestId("version-position")).toHaveText("1 / 3");
  await question.getByRole("button", { name: "Next version of this message" }).click();
  await expect(question.getByTestId("version-position")).toHaveText("2 / 3");
  await expect(chat.lastAnswer()).toContainText('You asked: "Question about dogs"');

  // A regenerate of the shown answer is a version of its own.
  await chat.page.getByRole("button", { name: "Regenerate" }).click();
  await expect(chat.stopButton).toBeHidden();
  await expect(chat.lastAnswer().getByTestId("version-position")).toHaveText("2 / 2");
  await page.reload();
  await expect(chat.lastAnswer().getByTestId("version-position")).toHaveText("2 / 2");
  await expect(question.getByTestId("version-position")).toHaveText("2 / 3");
});
