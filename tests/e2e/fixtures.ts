import { test as base, expect } from "@playwright/test";
import { EMULATOR_URL } from "../../playwright.config.ts";
import { EmulatorClient } from "../emulator/client.ts";
import {
  ADMIN_KEY,
  BROKE_KEY,
  OPENROUTER_BROKE_KEY,
  OPENROUTER_KEY,
  SCOPED_KEY,
  UNKNOWN_KEY,
} from "../emulator/fixtures.ts";
import { ChatPage } from "./pages/ChatPage.ts";
import { SetupPage } from "./pages/SetupPage.ts";

export const keys = {
  admin: ADMIN_KEY,
  scoped: SCOPED_KEY,
  broke: BROKE_KEY,
  unknown: UNKNOWN_KEY,
  openRouter: OPENROUTER_KEY,
  openRouterBroke: OPENROUTER_BROKE_KEY,
};

interface Fixtures {
  emulator: EmulatorClient;
  setup: SetupPage;
  chat: ChatPage;
}

export const test = base.extend<Fixtures>({
  // biome-ignore lint/correctness/noEmptyPattern: Playwright reads fixture dependencies from this pattern.
  emulator: async ({}, use) => {
    const client = new EmulatorClient(EMULATOR_URL);
    await client.reset();
    await use(client);
  },
  setup: async ({ page }, use) => {
    await use(new SetupPage(page));
  },
  chat: async ({ page }, use) => {
    await use(new ChatPage(page));
  },
});

export { expect };
