import { expect, keys, test } from "./fixtures.ts";

// The walking skeleton, as a user lives it: paste a key, have it checked, chat with streamed
// answers, stop, run out of balance, remove the key. Every step runs against the Chutes emulator.

test.describe("chatting with a pasted Chutes API key", () => {
  test("a malformed key is refused on the spot, and a key Chutes rejects says so", async ({
    setup,
    emulator,
  }) => {
    await setup.open();
    await setup.submitKey("cpk_not-a-real-key");
    await expect(setup.alert).toContainText("three dot-separated parts");
    expect(await emulator.requests()).toHaveLength(0);

    await setup.submitKey(keys.unknown);
    await expect(setup.alert).toContainText("Chutes rejected your API key");
    await expect(setup.keyInput).toHaveValue(keys.unknown); // nothing the user typed is lost
    await expect(setup.page.getByText("API Key", { exact: true })).toHaveCount(0);
  });

  test("a valid key streams an answer billed to that key", async ({ setup, chat, emulator, page }) => {
    await setup.open();
    await setup.submitKey(keys.admin);
    await expect(page.getByText(/Connected as alice/)).toBeVisible();
    await expect(chat.apiKeyBadge).toBeVisible();

    await emulator.reset();
    await chat.watchAnswerGrowth();
    await chat.send("What is the capital of Peru?");
    await expect(chat.lastAnswer()).toContainText('You asked: "What is the capital of Peru?"');
    await expect(chat.stopButton).toBeHidden();

    const states = await chat.answerStates();
    expect(states.length).toBeGreaterThan(3); // it arrived in pieces, not all at once

    const calls = await emulator.requests({ path: "/llm/v1/chat/completions" });
    expect(calls).toHaveLength(1);
    expect(calls[0]?.headers.authorization).toBe(`Bearer ${keys.admin}`);
    expect(calls[0]?.completed).toBe(true);
    expect(page.url()).not.toContain(keys.admin);
  });

  test("a scoped (invoke-only) key is accepted without account details", async ({ setup, chat, page }) => {
    await setup.open();
    await setup.submitKey(keys.scoped);
    await expect(page.getByText(/Scoped key: account details unavailable/)).toBeVisible();
    await expect(chat.apiKeyBadge).toBeVisible();
  });

  test("Stop ends the answer and closes the connection to Chutes", async ({ setup, chat, emulator }) => {
    await setup.connectWithKey(keys.admin);
    await emulator.reset();

    await chat.send("Please give me a long answer about rivers.");
    await expect(chat.lastAnswer()).toContainText("You asked");
    await chat.stopButton.click();
    await expect(chat.stopButton).toBeHidden();
    const stoppedText = await chat.lastAnswer().textContent();

    await expect
      .poll(async () => (await emulator.requests({ path: "/llm/v1/chat/completions" }))[0]?.clientClosedEarly)
      .toBe(true);
    // Nothing more arrives after Stop.
    await chat.page.waitForTimeout(500);
    expect(await chat.lastAnswer().textContent()).toBe(stoppedText);
  });

  test("an account without balance sees Chutes' own message and where to top up", async ({
    setup,
    chat,
    page,
  }) => {
    await setup.open();
    await setup.submitKey(keys.broke);
    await expect(page.getByText(/Connected as bob/)).toBeVisible();

    await chat.send("Hello?");
    await expect(chat.alert).toContainText("Out of Chutes balance");
    await expect(chat.alert).toContainText("Quota exceeded and account balance is $0.0");
    await expect(page.getByRole("link", { name: /Top up/ })).toBeVisible();
    // The question is still there to resend after topping up (in the conversation, not only its title).
    await expect(chat.userMessages().getByText("Hello?")).toBeVisible();
  });

  test("a stream that breaks keeps the partial answer, marked incomplete", async ({
    setup,
    chat,
    emulator,
  }) => {
    await setup.connectWithKey(keys.admin);
    await emulator.inject({ failure: "midstream_error", match: { path: "chat" } });

    await chat.send("Tell me about volcanoes.");
    await expect(chat.alert).toContainText("The answer was cut off");
    await expect(chat.lastAnswer()).toContainText("You asked");
    await expect(chat.page.getByText("Incomplete answer")).toBeVisible();
  });

  test("busy and cold models are named as such", async ({ setup, chat, emulator }) => {
    await setup.connectWithKey(keys.admin);

    await emulator.inject({ failure: "capacity", match: { path: "chat" } });
    await chat.send("First try");
    await expect(chat.alert).toContainText("Chutes is busy");

    await emulator.inject({ failure: "no_instances", match: { path: "chat" } });
    await chat.send("Second try");
    await expect(chat.alert).toContainText("no instances");
  });

  test("removing the key shows setup again and stops sending it", async ({ setup, chat, page }) => {
    await setup.connectWithKey(keys.admin);

    await page.getByRole("button", { name: /Settings|Connection/ }).click();
    await setup.removeKeyButton.click();
    await expect(setup.advancedOptions).toBeVisible();
    await expect(chat.apiKeyBadge).toHaveCount(0);
    expect(await page.evaluate(() => localStorage.getItem("chutes-chat:api-key"))).toBeNull();

    await page.reload();
    await expect(setup.advancedOptions).toBeVisible();
  });
});
