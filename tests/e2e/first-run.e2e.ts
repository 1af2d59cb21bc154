import { type ChildProcess, spawn } from "node:child_process";
import type { Browser, BrowserContext, Page } from "@playwright/test";
import { APP_PORT, EMULATOR_URL } from "../../playwright.config.ts";
import { emulatorAppEnv } from "../emulator/appEnv.ts";
import { expect, keys, test } from "./fixtures.ts";
import { SettingsDialog } from "./pages/SettingsDialog.ts";

// First run as a user meets it: the screen the server paints before any JavaScript runs, the way in
// offered on a server with and without Sign in with Chutes, touch targets on a phone, and the files
// that make the app installable.

const PHONE = { width: 390, height: 844 };
const SHOTS = "test-results/first-paint";

/** The page as the server sent it: a context with JavaScript off, holding the given cookies. */
async function firstPaint(browser: Browser, from: BrowserContext | null, shot: string): Promise<Page> {
  const context = await browser.newContext({ javaScriptEnabled: false, viewport: PHONE });
  if (from) await context.addCookies(await from.cookies());
  const page = await context.newPage();
  await page.goto("/");
  await page.screenshot({ path: `${SHOTS}/${shot}.png` });
  return page;
}

/** Records, from the first parsed node on, whether the setup screen was ever in the document. */
async function watchForSetup(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const w = window as unknown as { __sawSetup: boolean };
    w.__sawSetup = false;
    new MutationObserver(() => {
      if (document.body?.textContent?.includes("Connect to Chutes")) w.__sawSetup = true;
    }).observe(document, { subtree: true, childList: true, characterData: true });
  });
}

const sawSetup = (page: Page) =>
  page.evaluate(() => (window as unknown as { __sawSetup: boolean }).__sawSetup);

test.describe("first paint", () => {
  test("a new browser gets the setup screen from the server, with a no-JavaScript message", async ({
    browser,
  }) => {
    const page = await firstPaint(browser, null, "new-user");
    await expect(page.getByRole("heading", { name: "Connect to Chutes" })).toBeVisible();
    await expect(page.getByRole("button", { name: "Sign in with Chutes" })).toBeVisible();
    // Playwright's text search skips <noscript>; the element itself is what the user sees.
    const noScript = page.locator("noscript > p[role='alert']");
    await expect(noScript).toHaveText(/chutes-chat needs JavaScript/);
    await expect(noScript).toBeVisible();
    await page.context().close();
  });

  test("a browser with a saved key gets the chat from the server and never sees setup", async ({
    browser,
    setup,
    page,
  }) => {
    await setup.connectWithKey(keys.admin);
    // The hint cookie says which kind of key exists; the key stays in localStorage.
    const hint = (await page.context().cookies()).find((c) => c.name === "chutes-chat-hint");
    expect(hint?.value).toBe("key");
    expect(JSON.stringify(await page.context().cookies())).not.toContain(keys.admin);

    const noJs = await firstPaint(browser, page.context(), "key-user");
    await expect(noJs.getByRole("heading", { name: "chutes-chat" })).toBeVisible();
    await expect(noJs.getByRole("textbox", { name: "Message" })).toBeVisible();
    await expect(noJs.getByText("Connect to Chutes")).toHaveCount(0);
    await noJs.context().close();

    await watchForSetup(page);
    await page.reload();
    await expect(page.getByText("API Key", { exact: true })).toBeVisible();
    expect(await sawSetup(page)).toBe(false);
  });

  test("a browser signed in with Chutes gets the chat from the server and never sees setup", async ({
    browser,
    setup,
    page,
  }) => {
    await setup.connectWithChutes();
    expect((await page.context().cookies()).some((c) => c.name === "chutes-chat-hint")).toBe(false);

    const noJs = await firstPaint(browser, page.context(), "oauth-user");
    await expect(noJs.getByRole("heading", { name: "chutes-chat" })).toBeVisible();
    await expect(noJs.getByText("Connect to Chutes")).toHaveCount(0);
    await noJs.context().close();

    await watchForSetup(page);
    await page.reload();
    await expect(page.getByText("Signed In", { exact: true })).toBeVisible();
    expect(await sawSetup(page)).toBe(false);
  });

  test("removing the key clears the hint, so the next visit paints setup", async ({
    browser,
    setup,
    page,
  }) => {
    await setup.connectWithKey(keys.admin);
    const settings = new SettingsDialog(page);
    await settings.open();
    await setup.removeKeyButton.click();
    await expect(page.getByRole("heading", { name: "Connect to Chutes" })).toBeVisible();
    expect((await page.context().cookies()).some((c) => c.name === "chutes-chat-hint")).toBe(false);
    const noJs = await firstPaint(browser, page.context(), "key-removed");
    await expect(noJs.getByRole("heading", { name: "Connect to Chutes" })).toBeVisible();
    await noJs.context().close();
  });
});

/** Every visible button smaller than 44×44 px, by name, with its size. */
async function smallTargets(page: Page): Promise<string[]> {
  return await page.evaluate(() => {
    const small: string[] = [];
    for (const el of document.querySelectorAll<HTMLElement>("button, summary, [role='button'], select")) {
      const box = el.getBoundingClientRect();
      const style = getComputedStyle(el);
      if (box.width === 0 || box.height === 0 || style.visibility === "hidden") continue;
      if (el.closest("[hidden], [aria-hidden='true']")) continue;
      if (box.width < 43.5 || box.height < 43.5) {
        const name = el.getAttribute("aria-label") ?? el.textContent?.trim() ?? el.tagName;
        small.push(`${name} (${Math.round(box.width)}×${Math.round(box.height)})`);
      }
    }
    return small;
  });
}

test.describe("fit for a thumb at 390×844", () => {
  test.use({ viewport: PHONE });

  test("every control on setup, chat with an answer, settings and the drawer is at least 44×44 px", async ({
    setup,
    chat,
    page,
  }) => {
    await setup.open();
    await setup.expandAdvanced();
    expect(await smallTargets(page), "setup").toEqual([]);

    await setup.keyInput.fill(keys.admin);
    await setup.saveButton.click();
    await expect(chat.apiKeyBadge).toBeVisible();
    expect(await smallTargets(page), "chat with the connected notice").toEqual([]);
    await chat.send("Show me `code` and a list");
    await expect(chat.lastAnswer()).toContainText("You asked");
    await expect(chat.sendButton).toBeVisible();
    expect(await smallTargets(page), "chat with an answer").toEqual([]);
    await page.screenshot({ path: `${SHOTS}/phone-chat.png` });

    const settings = new SettingsDialog(page);
    await settings.open();
    expect(await smallTargets(page), "settings").toEqual([]);
    await page.screenshot({ path: `${SHOTS}/phone-settings.png`, fullPage: true });
    await settings.close();

    await page.getByRole("button", { name: "Conversations" }).click();
    await expect(page.getByRole("dialog", { name: "Conversations" })).toBeVisible();
    expect(await smallTargets(page), "drawer").toEqual([]);
  });

  test("the connected notice sits above the conversation, its × on its line, without covering a message", async ({
    setup,
    chat,
    page,
  }) => {
    await setup.connectWithKey(keys.admin);
    const notice = page.getByRole("status").filter({ hasText: "Connected as" });
    await expect(notice).toBeVisible();
    const dismiss = notice.getByRole("button", { name: "Dismiss notice" });
    const text = notice.locator("p");
    const [textBox, buttonBox] = await Promise.all([text.boundingBox(), dismiss.boundingBox()]);
    // The × is centred on the text's line, not hanging below it.
    const centre = (b: { y: number; height: number }) => b.y + b.height / 2;
    expect(Math.abs(centre(buttonBox!) - centre(textBox!))).toBeLessThan(4);

    await chat.send("First question");
    await expect(chat.lastAnswer()).toContainText("First question");
    // A long answer scrolls the conversation, so compare the conversation's own viewport (the
    // log's scroll container), not the first message, with the notice; and check that the notice
    // is what the user sees at its own centre, with nothing drawn over it.
    const after = (await notice.boundingBox())!;
    const viewport = await page.getByRole("log", { name: "Conversation" }).evaluate((log) => {
      const box = (log.parentElement ?? log).getBoundingClientRect();
      return { y: box.y };
    });
    expect(viewport.y).toBeGreaterThanOrEqual(after.y + after.height);
    const onTop = await notice.evaluate(
      (el, point) => el.contains(document.elementFromPoint(point.x, point.y)),
      {
        x: after.x + after.width / 3,
        y: after.y + after.height / 2,
      },
    );
    expect(onTop).toBe(true);
  });
});

test.describe("installable app", () => {
  test("the manifest is served, the browser parses it without errors, and its icons load", async ({
    page,
  }) => {
    await page.goto("/");
    const href = await page.locator('link[rel="manifest"]').getAttribute("href");
    expect(href).toBeTruthy();
    // Chromium's own manifest parser: what an installing browser reads.
    const cdp = await page.context().newCDPSession(page);
    const manifest = await cdp.send("Page.getAppManifest");
    expect(manifest.errors).toEqual([]);
    expect(manifest.url).toMatch(/\/manifest\.webmanifest$/);
    const body = JSON.parse(manifest.data ?? "{}");
    expect(body).toMatchObject({ name: "chutes-chat", short_name: "chutes-chat", display: "standalone" });
    const icons: Array<{ src: string; sizes: string; type: string; purpose: string }> = body.icons;
    expect(icons.map((i) => `${i.sizes} ${i.purpose}`)).toEqual(
      expect.arrayContaining(["192x192 any", "512x512 any", "512x512 maskable"]),
    );
    for (const icon of icons.filter((i) => i.type === "image/png")) {
      const response = await page.request.get(icon.src);
      expect(response.status(), icon.src).toBe(200);
      expect(response.headers()["content-type"]).toBe("image/png");
      // The PNG's own header (IHDR) says the size the manifest promises.
      const png = await response.body();
      expect(`${png.readUInt32BE(16)}x${png.readUInt32BE(20)}`, icon.src).toBe(icon.sizes);
    }

    // Light and dark theme colours, an apple-touch icon, a favicon and robots.txt.
    const themeColors = await page
      .locator('meta[name="theme-color"]')
      .evaluateAll((metas) => metas.map((m) => `${m.getAttribute("media")} ${m.getAttribute("content")}`));
    expect(themeColors).toEqual([
      "(prefers-color-scheme: light) #ffffff",
      "(prefers-color-scheme: dark) #09090b",
    ]);
    const apple = await page.locator('link[rel="apple-touch-icon"]').getAttribute("href");
    for (const path of [apple!, "/favicon.ico", "/robots.txt", "/icons/icon.svg"]) {
      expect((await page.request.get(path)).status(), path).toBe(200);
    }
    // The icons really render in the page (not only answer 200).
    const loaded = await page.evaluate(
      async (srcs) =>
        Promise.all(
          srcs.map(
            (src) =>
              new Promise<number>((resolve) => {
                const img = new Image();
                img.onload = () => resolve(img.naturalWidth);
                img.onerror = () => resolve(0);
                img.src = src;
              }),
          ),
        ),
      [...icons.map((i) => i.src), apple!, "/favicon.ico"],
    );
    expect(loaded.every((width) => width > 0)).toBe(true);
  });
});

test.describe("a server without Sign in with Chutes", () => {
  const port = APP_PORT + 1;
  let server: ChildProcess;

  test.beforeAll(async () => {
    // The same build, started without an OAuth app (no CHUTES_CLIENT_ID).
    server = spawn("npx", ["next", "start", "-p", String(port), "-H", "127.0.0.1"], {
      env: { ...process.env, ...emulatorAppEnv(EMULATOR_URL), DATA_DIR: `test-results/e2e-data-${port}` },
      stdio: "ignore",
      detached: true,
    });
    for (let i = 0; i < 300; i++) {
      try {
        if ((await fetch(`http://127.0.0.1:${port}/`)).ok) return;
      } catch {}
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error("the second app server did not start");
  });

  test.afterAll(() => {
    if (server.pid) process.kill(-server.pid);
  });

  test("opens the key form as the way in, says why, and offers no inactive sign-in", async ({ browser }) => {
    const context = await browser.newContext({ baseURL: `http://127.0.0.1:${port}`, viewport: PHONE });
    const page = await context.newPage();
    await page.goto("/");
    await expect(page.getByText("Sign in with Chutes is not set up on this server")).toBeVisible();
    await expect(page.getByRole("button", { name: "Sign in with Chutes" })).toHaveCount(0);
    await expect(page.getByRole("button", { name: "Advanced options" })).toHaveCount(0);
    await page.screenshot({ path: `${SHOTS}/no-oauth-setup.png` });
    await page.getByLabel("Chutes API key", { exact: true }).fill(keys.admin);
    await page.getByRole("button", { name: "Validate and save" }).click();
    await expect(page.getByText("API Key", { exact: true })).toBeVisible();
    await context.close();
  });
});
