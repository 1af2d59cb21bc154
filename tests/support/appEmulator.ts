// For route tests: the real Chutes emulator for one test file, with the app's configuration
// pointed at it (and set back afterwards), reset before each test.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach } from "vitest";
import { getConfig, resetConfigForTests } from "@/src/lib/config.ts";
import { runIngest } from "@/src/lib/rag/ingest.ts";
import { applyEnv, emulatorAppEnv } from "@/tests/emulator/appEnv.ts";
import { ADMIN_KEY } from "@/tests/emulator/fixtures.ts";
import { type EmulatorHandle, startEmulator } from "@/tests/emulator/server.ts";

export interface AppEmulatorOptions {
  tokenDelayMs?: number;
  /** Settings beyond the emulator's own, given its URL. */
  env?: (emulatorUrl: string) => Record<string, string>;
  /** Ingest `docs/` into a fresh knowledge base first (billed to the emulator's admin key). */
  ingestDocs?: boolean;
}

/** The emulator of this file's tests; use it inside tests and hooks, once it has started. */
export function withAppEmulator(options: AppEmulatorOptions = {}): EmulatorHandle {
  let emulator: EmulatorHandle | undefined;
  let dataDir: string | undefined;
  let restoreEnv = () => {};
  beforeAll(async () => {
    emulator = await startEmulator({ port: 0, tokenDelayMs: options.tokenDelayMs ?? 0 });
    if (options.ingestDocs) dataDir = mkdtempSync(join(tmpdir(), "chutes-chat-kb-"));
    restoreEnv = applyEnv({
      ...emulatorAppEnv(emulator.url),
      ...(dataDir ? { CHUTES_API_KEY: ADMIN_KEY, DATA_DIR: dataDir } : {}),
      ...options.env?.(emulator.url),
    });
    resetConfigForTests();
    if (options.ingestDocs) await runIngest({ paths: ["docs"] }, getConfig());
  }, 60_000);
  afterAll(async () => {
    await emulator?.close();
    restoreEnv();
    resetConfigForTests();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });
  beforeEach(() => emulator?.reset());
  return new Proxy({} as EmulatorHandle, {
    get(_target, property) {
      if (!emulator) throw new Error("the emulator starts in beforeAll");
      const value = Reflect.get(emulator, property);
      return typeof value === "function" ? value.bind(emulator) : value;
    },
  });
}
