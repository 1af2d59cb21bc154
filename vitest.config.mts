import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    tsconfigPaths: true,
    alias: {
      // `server-only` throws outside React Server bundles; tests import server modules directly.
      "server-only": new URL("./tests/support/empty-module.ts", import.meta.url).pathname,
    },
  },
  test: {
    environment: "jsdom",
    globalSetup: ["tests/support/testDataRoot.ts"],
    setupFiles: ["tests/support/setup.ts"],
    include: ["src/**/*.test.{ts,tsx}", "app/**/*.test.{ts,tsx}", "tests/**/*.test.{ts,tsx}"],
    exclude: ["tests/e2e/**", "node_modules/**"],
    testTimeout: 15000,
    // Vitest leaves one core free by default, which on a 2-core CI machine means one worker: using
    // both took the suite from 264 s to 165 s there, and worker threads instead of child processes
    // (cheaper to start per file) to 89–104 s.
    maxWorkers: availableParallelism(),
    pool: "threads",
    // Route handlers log a line per request; tests that read logs make their own logger.
    env: { LOG_LEVEL: "silent" },
  },
});
