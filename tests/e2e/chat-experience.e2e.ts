import { readFileSync, writeFileSync } from "node:fs";
import AxeBuilder from "@axe-core/playwright";
import type { Page, TestInfo } from "@playwright/test";
import { expect, keys, test } from "./fixtures.ts";
import { HistoryPanel } from "./pages/HistoryPanel.ts";
import { SettingsDialog } from "./pages/SettingsDialog.ts";

// The chat experience as a user lives it: history kept in this browser, search, export and
// import, regenerate and edit, theme, keyboard-only use, accessibility, small screens and long chats.

const chatCalls = "/llm/v1/chat/completions";

/** Serious and critical axe findings, as short lines (empty when the page passes). */
async function seriousViolations(page: Page, include?: string): Promise<string[]> {
  let builder = new AxeBuilder({ page });
  if (include) builder = builder.include(include);
  const { violations } = await builder.analyze();
  return violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

async function shoot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  await page.screenshot({ path: testInfo.outputPath(name) });
}

function conversationsOf(file: string): unknown {
  return (JSON.parse(readFileSync(file, "utf8")) as { conversations: unknown }).conversations;
}

test.describe("conversation history", () => {
  test("three conversations survive a reload, and search finds a message", async ({ setup, chat, page }) => {
    await setup.connectWithKey(keys.admin);
    const history = new HistoryPanel(page);
    await chat.ask("Tell me about the Amazon river");
    await history.newChat();
    await chat.ask("How do volcanoes form?");
    await history.newChat();
    await chat.ask("Which birds migrate furthest?");
    await expect
      .poll(() => history.titles())
      .toEqual(["Which birds migrate furthest?", "How do volcanoes form?", "Tell me about the Amazon river"]);
    await expect(page.getByText("Conversations are stored only in this browser.")).toBeVisible();

    await page.reload();
    await expect(chat.apiKeyBadge).toBeVisible();
    await expect
      .poll(() => history.titles())
      .toEqual(["Which birds migrate furthest?", "How do volcanoes form?", "Tell me about the Amazon river"]);
    // The tab comes back to the conversation it showed.
    await expect(chat.lastAnswer()).toContainText('You asked: "Which birds migrate furthest?"');

    await history.open("Tell me about the Amazon river");
    await expect(chat.lastAnswer()).toContainText('You asked: "Tell me about the Amazon river"');

    const results = await history.search("volcanoes");
    await expect(results).toHaveCount(1);
    await expect(results.first()).toContainText("How do volcanoes form?");
    await page.keyboard.press("Enter");
    await expect(history.searchDialog).toBeHidden();
    await expect(chat.lastAnswer()).toContainText('You asked: "How do volcanoes form?"');
    await expect(chat.composer).toBeFocused();
  });

  test("export all as JSON, delete all, import: the same conversations come back", async ({
    setup,
    chat,
    page,
  }, testInfo) => {
    await setup.connectWithKey(keys.admin);
    const history = new HistoryPanel(page);
    const settings = new SettingsDialog(page);
    await chat.ask("First question to keep");
    await history.newChat();
    await chat.ask("Second question to keep");
    await expect.poll(() => history.titles()).toHaveLength(2);

    await settings.open();
    const before = testInfo.outputPath("export-before.json");
    await (await settings.exportAllJson()).saveAs(before);
    expect(conversationsOf(before)).toHaveLength(2);

    await settings.deleteAllLocalData();
    // The saved key went too: setup again, with no conversations left.
    await expect(setup.advancedOptions).toBeVisible();
    await setup.submitKey(keys.admin);
    await expect(chat.apiKeyBadge).toBeVisible();
    await expect.poll(() => history.titles()).toEqual([]);

    await settings.open();
    await settings.importFile(before);
    await expect(settings.dialog.getByRole("status")).toHaveText("Imported: 2 added.");
    const after = testInfo.outputPath("export-after.json");
    await (await settings.exportAllJson()).saveAs(after);
    expect(conversationsOf(after)).toEqual(conversationsOf(before));
    await settings.close();
    await expect.poll(() => history.titles()).toEqual(["Second question to keep", "First question to keep"]);

    // A broken file changes nothing.
    const broken = testInfo.outputPath("broken.json");
    writeFileSync(broken, "{ not json");
    await settings.open();
    await settings.importFile(broken);
    await expect(settings.dialog.getByRole("alert")).toContainText("not valid JSON");
    const unchanged = testInfo.outputPath("export-unchanged.json");
    await (await settings.exportAllJson()).saveAs(unchanged);
    expect(conversationsOf(unchanged)).toEqual(conversationsOf(before));
  });
});

test.describe("messages", () => {
  test("regenerate asks again and replaces the last answer", async ({ setup, chat, emulator }) => {
    await setup.connectWithKey(keys.admin);
    await emulator.reset();
    await chat.ask("Name a large lake");
    await chat.page.getByRole("button", { name: "Regenerate" }).click();
    await expect(chat.stopButton).toBeHidden();
    await expect(chat.lastAnswer()).toContainText('You asked: "Name a large lake"');
    await expect(chat.assistantMessages()).toHaveCount(1);
    await expect.poll(async () => (await emulator.requests({ path: chatCalls })).length).toBe(2);
  });

  test("edit a sent message and resend drops the messages after it", async ({ setup, chat, page }) => {
    await setup.connectWithKey(keys.admin);
    await chat.ask("Question about cats");
    await chat.ask("A follow-up question");
    await chat.userMessages().first().getByRole("button", { name: "Edit" }).click();
    const box = page.getByRole("textbox", { name: "Edit message", exact: true });
    await box.fill("Question about dogs");
    await page.getByRole("button", { name: "Save and resend" }).click();
    await expect(chat.lastAnswer()).toContainText('You asked: "Question about dogs"');
    await expect(chat.stopButton).toBeHidden();
    await expect(chat.userMessages()).toHaveCount(1);
    await expect(chat.assistantMessages()).toHaveCount(1);
    await expect(page.getByText("A follow-up question")).toHaveCount(0);
  });

  test("each answer shows its tokens and cost, and the conversation its total", async ({
    setup,
    chat,
    page,
  }) => {
    await setup.connectWithKey(keys.admin);
    await chat.ask("How much does this cost?");
    await expect(chat.lastAnswer().getByTestId("answer-usage")).toHaveText(/^[\d,]+ tokens · \$0\.\d+$/);
    await expect(page.getByTestId("conversation-total")).toHaveText(
      /^This conversation: [\d,]+ tokens · \$0\.\d+$/,
    );
  });
});

test.describe("settings", () => {
  test("the theme switch persists across a reload, before the page paints", async ({ setup, chat, page }) => {
    await setup.connectWithKey(keys.admin);
    const settings = new SettingsDialog(page);
    await settings.open();
    await settings.chooseTheme("Dark");
    await expect(page.locator("html")).toHaveClass(/\bdark\b/);
    await settings.close();

    await page.reload({ waitUntil: "domcontentloaded" });
    // Set by the inline script in <head>, before React runs.
    await expect(page.locator("html")).toHaveClass(/\bdark\b/);
    await expect(chat.apiKeyBadge).toBeVisible();
    await settings.open();
    await expect(settings.dialog.getByRole("radio", { name: "Dark" })).toBeChecked();
    await settings.chooseTheme("Light");
    await page.reload();
    await expect(page.locator("html")).not.toHaveClass(/\bdark\b/);
  });

  test("settings show the account and the knowledge base status", async ({ setup, page }) => {
    await setup.connectWithKey(keys.admin);
    const settings = new SettingsDialog(page);
    await settings.open();
    await expect(settings.dialog.getByText("Chutes · API key")).toBeVisible();
    await expect(settings.dialog.getByTestId("account-balance")).toHaveText(/^\$\d+\.\d\d$/);
    await expect(
      settings.dialog
        .getByRole("region", { name: "Knowledge base" })
        .getByText(/Documents|status unavailable/)
        .first(),
    ).toBeVisible();
  });
});

test.describe("keyboard and accessibility", () => {
  test("keyboard only: new chat, send, stop, copy", async ({ setup, chat, page, context }) => {
    await context.grantPermissions(["clipboard-read", "clipboard-write"]);
    await setup.connectWithKey(keys.admin);
    await chat.ask("A first question");

    await page.keyboard.press("Control+Shift+O");
    await expect(chat.composer).toBeFocused();
    await expect(chat.assistantMessages()).toHaveCount(0);

    await page.keyboard.type("Please give me a long answer about rivers.");
    await page.keyboard.press("Enter");
    await expect(chat.lastAnswer()).toContainText("You asked");
    await page.keyboard.press("Escape");
    await expect(chat.stopButton).toBeHidden();
    const stopped = (await chat.lastAnswer().locator(".markdown").textContent()) ?? "";
    expect(stopped.length).toBeLessThan(2000);

    // Back from the message box to the answer's Copy button.
    const copy = chat.lastAnswer().getByRole("button", { name: "Copy answer" });
    for (let i = 0; i < 10 && !(await copy.evaluate((el) => el === document.activeElement)); i++)
      await page.keyboard.press("Shift+Tab");
    await expect(copy).toBeFocused();
    const outline = await copy.evaluate((el) => getComputedStyle(el).outlineStyle);
    expect(outline).not.toBe("none"); // visible focus
    await page.keyboard.press("Enter");
    await expect(chat.lastAnswer().getByRole("button", { name: "Copied" })).toBeVisible();
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    expect(copied).toContain("You asked");
    expect(copied.trim()).toBe(stopped.trim());

    // ? opens the shortcuts outside text fields.
    await page.keyboard.press("Shift+Tab");
    await page.keyboard.press("?");
    await expect(page.getByRole("dialog", { name: "Keyboard shortcuts" })).toBeVisible();
    await page.keyboard.press("Escape");
    await expect(page.getByRole("dialog", { name: "Keyboard shortcuts" })).toBeHidden();
  });

  test("no serious or critical axe violations: setup, chat with an answer, settings, search (light and dark)", async ({
    setup,
    chat,
    page,
  }, testInfo) => {
    await setup.open();
    expect(await seriousViolations(page)).toEqual([]);

    await setup.submitKey(keys.admin);
    await expect(chat.apiKeyBadge).toBeVisible();
    await chat.ask("Show me a table and some code");
    expect(await seriousViolations(page)).toEqual([]);
    await shoot(page, testInfo, "chat-1280.png");

    const settings = new SettingsDialog(page);
    await settings.open();
    expect(await seriousViolations(page)).toEqual([]);
    await shoot(page, testInfo, "settings-1280.png");
    await settings.chooseTheme("Dark");
    expect(await seriousViolations(page)).toEqual([]);
    await settings.close();
    expect(await seriousViolations(page)).toEqual([]);
    await shoot(page, testInfo, "chat-dark-1280.png");

    const history = new HistoryPanel(page);
    await history.search("table");
    await expect(history.searchDialog.getByRole("option")).toHaveCount(1);
    expect(await seriousViolations(page)).toEqual([]);
    await shoot(page, testInfo, "search-dark-1280.png");
    await page.keyboard.press("Escape");

    const model = chat.modelPicker;
    await model.click();
    await expect(page.getByRole("listbox", { name: "Models" })).toBeVisible();
    expect(await seriousViolations(page)).toEqual([]);
    await shoot(page, testInfo, "models-dark-1280.png");
  });

  test("usable at 375 px: the sidebar becomes a drawer", async ({ setup, chat, page }, testInfo) => {
    await page.setViewportSize({ width: 375, height: 812 });
    await setup.open();
    await shoot(page, testInfo, "setup-375.png");
    await setup.submitKey(keys.admin);
    await expect(chat.apiKeyBadge).toBeVisible();
    await chat.ask("Does this fit on a phone?");
    const history = new HistoryPanel(page);
    await expect(history.nav).toBeHidden();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    expect(await seriousViolations(page)).toEqual([]);
    await shoot(page, testInfo, "chat-375.png");

    await page.getByRole("button", { name: "Conversations", exact: true }).click();
    const drawer = page.getByRole("dialog", { name: "Conversations" });
    await expect(drawer).toBeVisible();
    await expect(
      drawer.getByRole("button", { name: "Does this fit on a phone?", exact: true }),
    ).toBeVisible();
    expect(await seriousViolations(page)).toEqual([]);
    await shoot(page, testInfo, "drawer-375.png");
    await drawer.getByRole("button", { name: "New chat" }).click();
    await expect(drawer).toBeHidden();
    await expect(chat.composer).toBeFocused();

    const settings = new SettingsDialog(page);
    await settings.open();
    await shoot(page, testInfo, "settings-375.png");
  });
});

test.describe("long conversations", () => {
  test("a 300-message conversation opens, scrolls and streams without long stalls", async ({
    setup,
    chat,
    page,
  }, testInfo) => {
    test.setTimeout(90_000);
    const messages = Array.from({ length: 150 }, (_, i) => [
      {
        id: `u${i}`,
        role: "user",
        parts: [{ type: "text", text: `Question number ${i} about rivers and lakes` }],
      },
      {
        id: `a${i}`,
        role: "assistant",
        parts: [
          {
            type: "text",
            text: `Answer **${i}**: rivers carry water to the sea.\n\n- one point\n- another point\n\n\`\`\`js\nconst river = ${i};\nconsole.log(river);\n\`\`\`\n\n| River | km |\n| --- | --- |\n| Nile | ${6000 + i} |`,
          },
        ],
        metadata: {
          model: "deepseek-ai/DeepSeek-V3.2-TEE",
          usage: { inputTokens: 500, outputTokens: 120, totalTokens: 620 },
        },
      },
    ]).flat();
    const file = testInfo.outputPath("long.json");
    writeFileSync(
      file,
      JSON.stringify({
        format: "chutes-chat.conversations",
        version: 1,
        exportedAt: new Date().toISOString(),
        conversations: [
          { id: "long-chat", title: "Long chat", createdAt: 1, updatedAt: Date.now(), messages },
        ],
      }),
    );
    await setup.connectWithKey(keys.admin);
    // Long tasks and frame gaps on the main thread, from here on.
    await page.evaluate(() => {
      const w = window as unknown as { __perf: { longTasks: number[]; maxFrameGap: number; frames: number } };
      w.__perf = { longTasks: [], maxFrameGap: 0, frames: 0 };
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) w.__perf.longTasks.push(entry.duration);
      }).observe({ type: "longtask" });
      let last = performance.now();
      const tick = (now: number) => {
        w.__perf.maxFrameGap = Math.max(w.__perf.maxFrameGap, now - last);
        w.__perf.frames++;
        last = now;
        requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    });
    const readPerf = () =>
      page.evaluate(() => {
        const w = window as unknown as {
          __perf: { longTasks: number[]; maxFrameGap: number; frames: number };
        };
        const result = { ...w.__perf, longTasks: [...w.__perf.longTasks] };
        w.__perf.longTasks = [];
        w.__perf.maxFrameGap = 0;
        w.__perf.frames = 0;
        return result;
      });

    // Baseline: the same long streamed answer in a short conversation.
    await readPerf();
    await chat.send("Please give me a long answer about lakes");
    await expect(chat.lastAnswer()).toContainText("You asked");
    await expect(chat.stopButton).toBeHidden({ timeout: 30_000 });
    const baseline = await readPerf();

    const settings = new SettingsDialog(page);
    await settings.open();
    await settings.importFile(file);
    await expect(settings.dialog.getByRole("status")).toHaveText("Imported: 1 added.");
    await settings.close();
    await readPerf();

    const history = new HistoryPanel(page);
    const started = Date.now();
    await history.conversation("Long chat").click();
    await expect(chat.lastAnswer()).toContainText("Answer 149");
    const openMs = Date.now() - started;
    const opening = await readPerf();
    const domNodes = await page.evaluate(() => document.querySelectorAll("*").length);
    // Virtualised: only the rows near the viewport are in the page.
    const mountedRows = await page.locator(".message-row").count();
    expect(mountedRows).toBeLessThan(60);

    // Scroll from the bottom to the top and back, a screenful per frame.
    const scroller = page.locator('[role="log"]').locator("..");
    const scrollSteps = await scroller.evaluate(async (el) => {
      const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
      let steps = 0;
      while (el.scrollTop > 0 && steps < 500) {
        el.scrollBy(0, -el.clientHeight);
        await frame();
        steps++;
      }
      while (el.scrollTop + el.clientHeight < el.scrollHeight - 1 && steps < 1000) {
        el.scrollBy(0, el.clientHeight);
        await frame();
        steps++;
      }
      return steps;
    });
    expect(scrollSteps).toBeGreaterThan(20);
    await scroller.evaluate((el) => el.scrollTo(0, 0));
    await expect(chat.userMessages().first()).toContainText("Question number 0");
    await expect(chat.userMessages().first()).toBeInViewport();
    await scroller.evaluate((el) => el.scrollTo(0, el.scrollHeight));
    await expect(chat.lastAnswer()).toContainText("Answer 149");
    const scrolling = await readPerf();

    await chat.send("Please give me a long answer about lakes");
    await expect(chat.lastAnswer()).toContainText("You asked");
    await expect(chat.stopButton).toBeHidden({ timeout: 30_000 });
    const streaming = await readPerf();

    const figures = {
      baselineStreaming: {
        longTasks: baseline.longTasks.map(Math.round),
        maxFrameGapMs: Math.round(baseline.maxFrameGap),
      },
      messages: 301,
      openMs,
      domNodes,
      mountedRows,
      opening: {
        longTasks: opening.longTasks.map(Math.round),
        maxFrameGapMs: Math.round(opening.maxFrameGap),
      },
      scrolling: {
        longTasks: scrolling.longTasks.map(Math.round),
        maxFrameGapMs: Math.round(scrolling.maxFrameGap),
      },
      streaming: {
        longTasks: streaming.longTasks.map(Math.round),
        maxFrameGapMs: Math.round(streaming.maxFrameGap),
        frames: streaming.frames,
      },
    };
    writeFileSync(testInfo.outputPath("long-chat-figures.json"), JSON.stringify(figures, null, 2));
    testInfo.annotations.push({ type: "long-chat", description: JSON.stringify(figures) });
    console.info("long chat figures", JSON.stringify(figures));
    // Budgets with room for a shared CI machine: no long task over 250 ms while streaming.
    expect(Math.max(0, ...streaming.longTasks)).toBeLessThan(250);
    expect(openMs).toBeLessThan(5000);
  });
});
