import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

// Vitest's global setup: one temporary folder for the run's knowledge bases, removed at its end.
// Without it, route tests that do not set DATA_DIR opened ./data, a developer's own knowledge base,
// and worker threads of one process shared it (PGlite's lock holds the process id, the same in
// every thread). tests/support/setup.ts gives each worker a folder of its own inside it.
export default function setup(): () => void {
  const root = mkdtempSync(join(tmpdir(), "chutes-chat-tests-"));
  process.env.CHUTES_CHAT_TEST_DATA_ROOT = root;
  return () => rmSync(root, { recursive: true, force: true });
}
