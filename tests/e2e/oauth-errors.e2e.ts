import { expect, test } from "./fixtures.ts";
import { SettingsDialog } from "./pages/SettingsDialog.ts";

// Every way "Sign in with Chutes" can fail is explained on the setup screen with a "Try again",
// driven through the real next-auth callback against the emulator's IDP and its failure injection.

test.describe("sign-in failures explained", () => {
  test("a sign-in started again in another tab: the first tab's callback is explained and Try again works", async ({
    setup,
    page,
  }) => {
    await setup.open();
    await setup.signInButton.click();
    const allow = page.getByRole("button", { name: "Allow" });
    await expect(allow).toBeVisible();
    // A second tab starts its own sign-in, replacing this browser's state and PKCE cookies.
    const other = await page.context().newPage();
    await other.goto("/");
    await other.getByRole("button", { name: "Sign in with Chutes" }).click();
    await expect(other.getByRole("button", { name: "Allow" })).toBeVisible();
    await allow.click();
    await expect(setup.alert).toContainText("could not be matched to the one this browser started");
    await other.close();

    await page.getByRole("button", { name: "Try again" }).click();
    await page.getByRole("button", { name: "Allow" }).click();
    await expect(page.getByText("Signed In", { exact: true })).toBeVisible();
  });

  test("a lost PKCE cookie is explained", async ({ setup, page }) => {
    await setup.open();
    await setup.signInButton.click();
    await expect(page.getByRole("button", { name: "Allow" })).toBeVisible();
    await page.context().clearCookies({ name: "next-auth.pkce.code_verifier" });
    await page.getByRole("button", { name: "Allow" }).click();
    await expect(setup.alert).toContainText("a cookie it needs was missing");
    await expect(page.getByRole("button", { name: "Try again" })).toBeVisible();
  });

  test("a sign-in code Chutes refuses (expired or replayed) is explained", async ({
    setup,
    emulator,
    page,
  }) => {
    await emulator.inject({ failure: "unauthorized", match: { path: "token" } });
    await setup.open();
    await setup.signInWithChutes();
    await expect(setup.alert).toContainText("Chutes refused the sign-in code");
    await expect(page.getByRole("button", { name: "Try again" })).toBeVisible();
  });

  test("replaying a callback URL after signing in does not sign anyone in and is explained", async ({
    setup,
    page,
  }) => {
    let callback = "";
    page.on("request", (request) => {
      if (request.url().includes("/api/auth/callback/chutes?code=")) callback = request.url();
    });
    await setup.connectWithChutes();
    await page.context().clearCookies();
    await page.goto(callback);
    await expect(setup.alert).toContainText("could not be matched");
    await expect(page.getByText("Signed In", { exact: true })).toHaveCount(0);
  });

  test("a refused account-details (userinfo) call is explained", async ({ setup, emulator, page }) => {
    await emulator.inject({ failure: "unauthorized", match: { path: "userinfo" } });
    await setup.open();
    await setup.signInWithChutes();
    await expect(setup.alert).toContainText("refused to tell this app who you are");
    await expect(page.getByRole("button", { name: "Try again" })).toBeVisible();
  });

  test("Chutes unreachable during the token exchange is explained", async ({ setup, emulator }) => {
    await emulator.inject({ failure: "drop_connection", match: { path: "token" } });
    await setup.open();
    await setup.signInWithChutes();
    await expect(setup.alert).toContainText("could not reach Chutes to finish signing in");
  });

  for (const [code, text] of [
    ["OAuthSignin", "could not be started"],
    ["OAuthCallback", "Chutes sent you back, but the sign-in could not be completed"],
    ["OAuthAccountNotLinked", "already linked to another sign-in"],
    ["Callback", "while the server was saving your session"],
    ["Configuration", "not configured correctly on this server"],
  ] as const) {
    test(`next-auth's ${code} is explained with Try again`, async ({ setup, page }) => {
      await page.goto(`/?error=${code}`);
      await expect(setup.alert).toContainText(text);
      await expect(page.getByRole("button", { name: "Try again" })).toBeVisible();
      expect(new URL(page.url()).search).toBe("");
    });
  }

  test("an IdP that names itself with RFC 9207 iss signs in", async ({ setup, emulator, page }) => {
    await emulator.configure({ issOnRedirect: true });
    await setup.connectWithChutes();
    const callback = (await emulator.requests({ path: "/idp/authorize/consent", method: "POST" })).length;
    expect(callback).toBe(1);
    await expect(page.getByText("alice", { exact: true })).toBeVisible();
  });

  test("sign-out revokes with the client's credentials, as a strict RFC 7009 server requires", async ({
    setup,
    emulator,
    page,
  }) => {
    await emulator.configure({ revokeRequiresClientAuth: true });
    await setup.connectWithChutes();
    await new SettingsDialog(page).open();
    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(page.getByRole("heading", { name: "Connect to Chutes" })).toBeVisible();
    const revokes = await emulator.requests({ path: "/idp/token/revoke" });
    expect(revokes.map((r) => r.status)).toEqual([200, 200]);
    expect((await emulator.state()).revocations).toBe(2);
  });
});
