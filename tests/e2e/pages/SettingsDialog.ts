import type { Download, Locator, Page } from "@playwright/test";
import { expect } from "@playwright/test";

/** The Settings dialog: connection, theme, knowledge base, export/import and deleting local data. */
export class SettingsDialog {
  readonly page: Page;
  readonly openButton: Locator;
  readonly dialog: Locator;
  readonly closeButton: Locator;
  readonly importInput: Locator;

  constructor(page: Page) {
    this.page = page;
    this.openButton = page.getByRole("button", { name: "Settings", exact: true });
    this.dialog = page.getByRole("dialog", { name: "Settings" });
    this.closeButton = this.dialog.getByRole("button", { name: "Close settings" });
    this.importInput = this.dialog.getByLabel("Import conversations from a JSON export");
  }

  async open(): Promise<void> {
    await this.openButton.click();
    await expect(this.dialog).toBeVisible();
  }

  async close(): Promise<void> {
    await this.closeButton.click();
    await expect(this.dialog).toBeHidden();
  }

  async chooseTheme(theme: "Light" | "Dark" | "System"): Promise<void> {
    await this.dialog.getByRole("radio", { name: theme }).check();
  }

  async exportAllJson(): Promise<Download> {
    const download = this.page.waitForEvent("download");
    await this.dialog.getByRole("button", { name: "Export all as JSON" }).click();
    return await download;
  }

  async importFile(path: string): Promise<void> {
    await this.importInput.setInputFiles(path);
  }

  async deleteAllLocalData(): Promise<void> {
    await this.dialog.getByRole("button", { name: "Delete all local data" }).click();
    await this.dialog.getByRole("button", { name: "Yes, delete everything" }).click();
  }
}
