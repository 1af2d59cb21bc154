import { readFileSync } from "node:fs";
import { APP_LOG } from "../../playwright.config.ts";
import { expect, keys, test } from "./fixtures.ts";

// The "secrets" teardown project (playwright.config.ts): after every journey, the app's own server log must
// hold no API key, OAuth token or OpenRouter key, whatever failed along the way.
test("no key or token is ever written to the server log", () => {
  const log = readFileSync(APP_LOG, "utf8");
  // The log is being written at all (one line per request), so the checks below are not vacuous.
  expect(log).toMatch(/"route":"chat".*"msg":"request"/);
  for (const key of Object.values(keys)) expect(log).not.toContain(key);
  expect(log).not.toMatch(/cpk_[0-9a-f]{32}\./);
  expect(log).not.toMatch(/\b(cak|crt)_[0-9a-f-]{36}\./);
  expect(log).not.toMatch(/sk-or-v1-[0-9a-f]{64}/);
});
