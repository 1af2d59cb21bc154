import { expect, type Locator, type Page } from "@playwright/test";

/** The provider setup screen: the Chutes card and its "Advanced options" key entry. */
export class SetupPage {
  readonly page: Page;
  readonly advancedOptions: Locator;
  readonly keyInput: Locator;
  readonly saveButton: Locator;
  readonly removeKeyButton: Locator;
  readonly alert: Locator;
  readonly signInButton: Locator;

  constructor(page: Page) {
    this.page = page;
    this.advancedOptions = page.getByRole("button", { name: "Advanced options" });
    this.keyInput = page.getByLabel("Chutes API key", { exact: true });
    this.saveButton = page.getByRole("button", { name: /Validate and save|Checking/ });
    this.removeKeyButton = page.getByRole("button", { name: "Remove key" });
    this.signInButton = page.getByRole("button", { name: "Sign in with Chutes" });
    this.alert = page.locator('[role="alert"]:not(#__next-route-announcer__)');
  }

  async open(): Promise<void> {
    await this.page.goto("/");
    await expect(this.advancedOptions).toBeVisible();
  }

  async expandAdvanced(): Promise<void> {
    if ((await this.advancedOptions.getAttribute("aria-expanded")) !== "true")
      await this.advancedOptions.click();
    await expect(this.keyInput).toBeVisible();
  }

  /** Through the Chutes consent page, choosing Allow or Deny, back to the app. */
  async signInWithChutes(choice: "Allow" | "Deny" = "Allow"): Promise<void> {
    await this.signInButton.click();
    await this.page.getByRole("button", { name: choice }).click();
    await this.page.waitForURL((url) => url.pathname === "/" && !url.searchParams.has("code"));
  }

  /** From a fresh page to the chat, connected with a pasted Chutes key. */
  async connectWithKey(key: string): Promise<void> {
    await this.open();
    await this.submitKey(key);
    await expect(this.page.getByText("API Key", { exact: true })).toBeVisible();
  }

  /** From a fresh page to the chat, signed in with Chutes through the emulator's consent page. */
  async connectWithChutes(): Promise<void> {
    await this.open();
    await this.signInWithChutes();
    await expect(this.page.getByText("Signed In", { exact: true })).toBeVisible();
  }

  async submitKey(key: string): Promise<void> {
    await this.expandAdvanced();
    await this.keyInput.fill(key);
    await this.saveButton.click();
  }
}
