import { defineConfig } from "@playwright/test";
import { emulatorAppEnv, oauthRedirectUri } from "./tests/emulator/appEnv.ts";

// Browser tests run the production build against the Chutes emulator, in Debian's Chromium
// (never a downloaded browser). Both servers are started here; `npm run build` must run first.

export const EMULATOR_PORT = Number(process.env.E2E_EMULATOR_PORT ?? 18787);
export const APP_PORT = Number(process.env.E2E_APP_PORT ?? 3100);
export const EMULATOR_URL = `http://127.0.0.1:${EMULATOR_PORT}`;
export const APP_URL = `http://127.0.0.1:${APP_PORT}`;
/** Per port, so two runs side by side (e.g. two engineers) do not share a log or a database. */
export const APP_LOG = `test-results/app-server-${APP_PORT}.log`;

export const appEnv = {
  ...emulatorAppEnv(EMULATOR_URL, { appUrl: APP_URL }),
  DATA_DIR: `test-results/e2e-data-${APP_PORT}`,
  // Every journey pastes a key from the same address; the limits themselves are tested at the routes.
  RATE_LIMIT_KEY_CHECKS_PER_MIN: "1000",
  RATE_LIMIT_CHATS_PER_MIN: "1000",
};

export default defineConfig({
  testDir: "tests/e2e",
  // The secrets check reads the server log after every journey, so it is a teardown project: it
  // runs once the journeys are done, whatever their result.
  projects: [
    { name: "journeys", testMatch: "**/*.e2e.ts", teardown: "secrets" },
    { name: "secrets", testMatch: "secrets.teardown.ts" },
  ],
  // Ingests docs/ through the emulator once both servers are up (webServer starts first).
  globalSetup: "./tests/e2e/global-setup.ts",
  outputDir: "test-results/e2e",
  fullyParallel: false,
  workers: 1, // one emulator, whose state each test resets
  retries: 0,
  timeout: 30_000,
  expect: { timeout: 7_000 },
  reporter: process.env.CI ? [["list"], ["json", { outputFile: "test-results/e2e-report.json" }]] : "list",
  use: {
    baseURL: APP_URL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
  webServer: [
    {
      command: `node tests/emulator/cli.ts --port ${EMULATOR_PORT} --token-delay-ms 20 --redirect-uri ${oauthRedirectUri(APP_URL)}`,
      url: `${EMULATOR_URL}/llm/v1/models`,
      reuseExistingServer: false,
      timeout: 20_000,
    },
    {
      // The server log goes to a file so a test can prove no key or token is ever written to it.
      command: `mkdir -p test-results && next start -p ${APP_PORT} -H 127.0.0.1 > ${APP_LOG} 2>&1`,
      url: `${APP_URL}/`,
      env: appEnv,
      reuseExistingServer: false,
      timeout: 60_000,
    },
  ],
});
