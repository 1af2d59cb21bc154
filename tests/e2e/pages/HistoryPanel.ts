import { expect, type Locator, type Page } from "@playwright/test";

/** The conversation sidebar (a drawer on small screens) and the Ctrl/Cmd+K search dialog. */
export class HistoryPanel {
  readonly page: Page;
  readonly nav: Locator;
  readonly newChatButton: Locator;
  readonly searchDialog: Locator;
  readonly searchBox: Locator;

  constructor(page: Page) {
    this.page = page;
    this.nav = page.getByRole("navigation", { name: "Conversations" });
    this.newChatButton = this.nav.getByRole("button", { name: "New chat" });
    this.searchDialog = page.getByRole("dialog", { name: "Search conversations" });
    this.searchBox = this.searchDialog.getByRole("combobox", { name: "Search conversations" });
  }

  /** Titles in the order shown (newest first). */
  async titles(): Promise<string[]> {
    return await this.nav
      .getByRole("listitem")
      .evaluateAll((items) => items.map((li) => li.querySelector("button")?.textContent ?? ""));
  }

  conversation(title: string): Locator {
    return this.nav.getByRole("button", { name: title, exact: true });
  }

  async newChat(): Promise<void> {
    await this.newChatButton.click();
  }

  async open(title: string): Promise<void> {
    await this.conversation(title).click();
    await expect(this.conversation(title)).toHaveAttribute("aria-current", "page");
  }

  async search(query: string): Promise<Locator> {
    const modifier = process.platform === "darwin" ? "Meta" : "Control";
    await this.page.keyboard.press(`${modifier}+k`);
    await expect(this.searchBox).toBeFocused();
    await this.searchBox.fill(query);
    return this.searchDialog.getByRole("option");
  }
}
