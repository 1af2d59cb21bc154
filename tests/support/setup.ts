import { join } from "node:path";
import { threadId } from "node:worker_threads";
import { cleanup, configure } from "@testing-library/react";
import { afterEach } from "vitest";

// Each worker's knowledge bases in a folder of its own (tests/support/testDataRoot.ts); a test that
// needs another sets DATA_DIR itself.
const dataRoot = process.env.CHUTES_CHAT_TEST_DATA_ROOT;
if (dataRoot) process.env.DATA_DIR = join(dataRoot, `worker-${threadId}`);

// Settings, search and shortcuts are lazy chunks; on a loaded CI machine the first import of one
// can take longer than Testing Library's 1 s default for `findBy*`.
configure({ asyncUtilTimeout: 5000 });

// Globals are off, so Testing Library cannot register its own cleanup.
afterEach(() => {
  cleanup();
  if (typeof localStorage !== "undefined") localStorage.clear();
});
