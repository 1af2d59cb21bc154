import { expect, keys, test } from "./fixtures.ts";
import { SettingsDialog } from "./pages/SettingsDialog.ts";

// Answers from the sample knowledge base (docs/, ingested by the global setup through the emulator).

test.describe("answers with sources", () => {
  test("a question answered by the docs cites a listed source that points to the right document", async ({
    setup,
    chat,
    emulator,
    page,
  }) => {
    await setup.connectWithKey(keys.scoped);
    await emulator.reset();

    await chat.send("Which embedding model and how many dimensions does the knowledge base use?");
    const answer = chat.lastAnswer();
    // Wait for the citation itself: the quote streams in before its [n].
    await expect(answer).toContainText(/According to the knowledge base, ".*?" \[\d+\]/);
    const text = (await answer.textContent()) ?? "";
    const citedId = /According to the knowledge base, ".*?" \[(\d+)\]/.exec(text)?.[1];
    expect(citedId).toBeDefined();

    const sources = answer.getByRole("region", { name: "Sources" });
    const cited = sources.locator("li", { hasText: "cited" });
    await expect(cited).toHaveCount(1);
    await expect(cited).toContainText(`[${citedId}] The knowledge base`);
    await expect(cited).toContainText("docs/knowledge-base.md");

    // The question's embedding went to Chutes once, billed to the user's key.
    const embeddings = await emulator.requests({ path: "/embed/v1/embeddings" });
    expect(embeddings).toHaveLength(1);
    expect(embeddings[0]?.headers.authorization).toBe(`Bearer ${keys.scoped}`);
    await page.screenshot({ path: test.info().outputPath("answer-with-sources.png") });
  });

  test("when the user cannot pay for the query embedding, the answer still comes, from text search", async ({
    setup,
    chat,
    emulator,
    page,
  }) => {
    await setup.connectWithKey(keys.admin);
    await emulator.inject({ failure: "payment_required", match: { path: "embeddings" } });

    await chat.send("Which embedding model and how many dimensions does the knowledge base use?");
    await expect(chat.lastAnswer()).toContainText("According to the knowledge base");
    await expect(page.getByText(/searched by text only/i)).toBeVisible();
  });

  test("Search the knowledge base, in settings, ranks the document that answers first", async ({
    setup,
    emulator,
    page,
  }) => {
    await setup.connectWithKey(keys.scoped);
    await emulator.reset();
    await new SettingsDialog(page).open();
    const settings = page.getByRole("dialog", { name: "Settings" });
    await settings
      .getByRole("searchbox", { name: "Search the knowledge base" })
      .fill("default embedding model dimensions");
    await settings.getByRole("button", { name: "Search", exact: true }).click();
    const results = settings.getByRole("list", { name: "Knowledge base results" });
    await expect(results.locator("li").first()).toContainText("1. The knowledge base");
    await expect(results.locator("li").first()).toContainText("docs/knowledge-base.md");
    const embeddings = await emulator.requests({ path: "/embed/v1/embeddings" });
    expect(embeddings.map((r) => r.headers.authorization)).toEqual([`Bearer ${keys.scoped}`]);
  });
});
