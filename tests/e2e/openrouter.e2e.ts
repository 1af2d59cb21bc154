import { expect, keys, test } from "./fixtures.ts";

// OpenRouter, the second provider: a pasted key, validated (credit included) and used for chat.

test.describe("OpenRouter", () => {
  test("a validated OpenRouter key chats through OpenRouter, billed to that key", async ({
    chat,
    emulator,
    page,
  }) => {
    await page.goto("/");
    await page.getByRole("button", { name: "OpenRouter key" }).click();
    await page.getByLabel("OpenRouter API key", { exact: true }).fill(keys.openRouter);
    await page
      .getByRole("region", { name: "OpenRouter" })
      .getByRole("button", { name: "Validate and save" })
      .click();
    await expect(page.getByText("OpenRouter", { exact: true }).first()).toBeVisible();
    await expect(chat.composer).toBeVisible();

    await chat.send("Hello from OpenRouter");
    await expect(chat.lastAnswer()).toContainText('You asked: "Hello from OpenRouter"');
    const calls = await emulator.requests({ path: "/openrouter/api/v1/chat/completions" });
    expect(calls).toHaveLength(1);
    expect(calls[0]?.headers.authorization).toBe(`Bearer ${keys.openRouter}`);
    expect(await emulator.requests({ path: "/llm/v1/chat/completions" })).toHaveLength(0);
  });

  test("a key without credit is refused with a clear message", async ({ page }) => {
    await page.goto("/");
    await page.getByRole("button", { name: "OpenRouter key" }).click();
    await page.getByLabel("OpenRouter API key", { exact: true }).fill(keys.openRouterBroke);
    const card = page.getByRole("region", { name: "OpenRouter" });
    await card.getByRole("button", { name: "Validate and save" }).click();
    await expect(card.getByRole("alert")).toContainText("no credit left");
    await expect(page.getByLabel("OpenRouter API key", { exact: true })).toHaveValue(keys.openRouterBroke);
  });
});
