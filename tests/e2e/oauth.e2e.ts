import { expect, keys, test } from "./fixtures.ts";
import { SettingsDialog } from "./pages/SettingsDialog.ts";

// Sign in with Chutes, end to end: the app, next-auth, and the emulator's IDP with PKCE, consent,
// refresh rotation and revocation.

const chatCalls = "/llm/v1/chat/completions";

test.describe("Sign in with Chutes", () => {
  test("signing in shows the user and bills answers to their OAuth token", async ({
    setup,
    chat,
    emulator,
    page,
  }) => {
    await setup.connectWithChutes();
    await expect(page.getByText("alice", { exact: true })).toBeVisible();

    await chat.send("Who pays for this?");
    await expect(chat.lastAnswer()).toContainText('You asked: "Who pays for this?"');
    const calls = await emulator.requests({ path: chatCalls });
    expect(calls.at(-1)?.headers.authorization).toMatch(/^Bearer cak_[0-9a-f-]{36}\.[A-Za-z0-9]{48}$/);

    // The token exchange used PKCE S256, and no token ever reached the browser's storage or URL.
    const authorize = (await emulator.requests({ path: "/idp/authorize" }))[0];
    expect(authorize?.query.code_challenge_method).toBe("S256");
    const stored = await page.evaluate(() => JSON.stringify({ ...localStorage }) + document.cookie);
    expect(stored).not.toMatch(/cak_|crt_/);
  });

  test("a pasted key wins over the session, and removing it falls back at once", async ({
    setup,
    chat,
    emulator,
    page,
  }) => {
    await setup.connectWithChutes();

    await new SettingsDialog(page).open();
    await setup.submitKey(keys.admin);
    await expect(chat.apiKeyBadge).toBeVisible();
    await page.getByRole("button", { name: "Close settings" }).click();
    await chat.send("Billed to the key?");
    await expect(chat.lastAnswer()).toContainText("Billed to the key?");
    expect((await emulator.requests({ path: chatCalls })).at(-1)?.headers.authorization).toBe(
      `Bearer ${keys.admin}`,
    );

    await new SettingsDialog(page).open();
    await setup.removeKeyButton.click();
    await expect(page.getByText("Signed In", { exact: true })).toBeVisible();
    await page.getByRole("button", { name: "Close settings" }).click();
    await chat.send("Billed to the session again?");
    await expect(chat.lastAnswer()).toContainText("Billed to the session again?");
    expect((await emulator.requests({ path: chatCalls })).at(-1)?.headers.authorization).toMatch(
      /^Bearer cak_/,
    );
  });

  test("an expiring access token is refreshed exactly once and the message still works", async ({
    setup,
    chat,
    emulator,
    page,
  }) => {
    // 63 s tokens fall inside the app's 60 s refresh margin after 3 s.
    await emulator.configure({ accessTokenTtlSeconds: 63 });
    await setup.connectWithChutes();
    const before = await emulator.state();
    await page.waitForTimeout(3500);

    await chat.send("Still there after the token aged?");
    await expect(chat.lastAnswer()).toContainText("Still there after the token aged?");
    const after = await emulator.state();
    expect(after.refreshesPerformed - before.refreshesPerformed).toBe(1);
    expect(after.refreshFailures).toBe(0);
    const last = (await emulator.requests({ path: chatCalls })).at(-1);
    expect(last?.status).toBe(200);
  });

  test("a revoked session ends cleanly with a prompt to sign in again", async ({
    setup,
    chat,
    emulator,
    page,
  }) => {
    await setup.connectWithChutes();

    await emulator.revokeAllRefreshTokens();
    await chat.send("Are you still there?");
    await expect(page.getByText(/Your Chutes session ended/).first()).toBeVisible();
    await expect(setup.signInButton).toBeVisible();
    // No refresh loop: one failed refresh, then the app stops asking.
    await page.waitForTimeout(1000);
    expect((await emulator.state()).refreshFailures).toBeLessThanOrEqual(1);
  });

  test("denying consent on Chutes is explained on the setup screen", async ({ setup, page }) => {
    await setup.open();
    await setup.signInWithChutes("Deny");
    await expect(setup.alert).toContainText("You declined access on Chutes");
    await expect(page.getByText("Signed In", { exact: true })).toHaveCount(0);
  });

  test("signing out revokes the tokens at Chutes and shows setup", async ({ setup, emulator, page }) => {
    await setup.connectWithChutes();

    await new SettingsDialog(page).open();
    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(page.getByRole("heading", { name: "Connect to Chutes" })).toBeVisible();
    const revokes = await emulator.requests({ path: "/idp/token/revoke" });
    expect(revokes.map((r) => (r.body as { token_type_hint?: string }).token_type_hint).sort()).toEqual([
      "access_token",
      "refresh_token",
    ]);
    await page.reload();
    await expect(page.getByRole("heading", { name: "Connect to Chutes" })).toBeVisible();
  });
});
