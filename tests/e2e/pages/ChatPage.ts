import { expect, type Locator, type Page } from "@playwright/test";

/** The chat screen: composer, messages, badge, model picker and error notices. */
export class ChatPage {
  readonly page: Page;
  readonly composer: Locator;
  readonly sendButton: Locator;
  readonly stopButton: Locator;
  readonly apiKeyBadge: Locator;
  readonly modelPicker: Locator;
  readonly alert: Locator;

  constructor(page: Page) {
    this.page = page;
    this.composer = page.getByRole("textbox", { name: "Message" });
    this.sendButton = page.getByRole("button", { name: "Send" });
    this.stopButton = page.getByRole("button", { name: "Stop" });
    this.apiKeyBadge = page.getByText("API Key", { exact: true });
    this.modelPicker = page.getByLabel("Model", { exact: true });
    // Next.js renders a hidden route announcer with role="alert"; it is not ours.
    this.alert = page.locator('[role="alert"]:not(#__next-route-announcer__)');
  }

  assistantMessages(): Locator {
    return this.page.locator('[data-role="assistant"]');
  }

  lastAnswer(): Locator {
    return this.assistantMessages().last();
  }

  async send(text: string): Promise<void> {
    await this.composer.fill(text);
    await this.sendButton.click();
  }

  /** Records the answer's text each time it changes, to prove it arrived in pieces. */
  async watchAnswerGrowth(): Promise<void> {
    await this.page.evaluate(() => {
      const w = window as unknown as { __answerStates: string[] };
      w.__answerStates = [];
      new MutationObserver(() => {
        const nodes = document.querySelectorAll('[data-role="assistant"]');
        const text = nodes[nodes.length - 1]?.textContent ?? "";
        if (text && text !== w.__answerStates.at(-1)) w.__answerStates.push(text);
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    });
  }

  async answerStates(): Promise<string[]> {
    return await this.page.evaluate(() => (window as unknown as { __answerStates: string[] }).__answerStates);
  }

  /** The picker is a searchable combobox: type the id, Enter takes the exact match. */
  async selectModel(id: string): Promise<void> {
    await this.modelPicker.click();
    await this.modelPicker.fill(id);
    await this.page.keyboard.press("Enter");
    await expect(this.modelPicker).toHaveValue(id);
  }

  userMessages(): Locator {
    return this.page.locator('[data-role="user"]');
  }

  /** Sends and waits until the answer has finished streaming. */
  /** Picks files through the composer's Attach button, as a user does from the file dialog. */
  async attach(...files: Array<{ name: string; mimeType: string; buffer: Buffer }>): Promise<void> {
    const chooser = this.page.waitForEvent("filechooser");
    await this.page.getByRole("button", { name: "Attach files" }).click();
    await (await chooser).setFiles(files);
  }

  async ask(text: string): Promise<void> {
    await this.send(text);
    await expect(this.lastAnswer()).toContainText(`You asked: "${text}"`);
    await expect(this.stopButton).toBeHidden();
  }
}
