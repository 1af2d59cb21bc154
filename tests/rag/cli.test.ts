// @vitest-environment node
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetConfigForTests } from "../../src/lib/config.ts";
import { retrieve } from "../../src/lib/rag/retriever.ts";
import { getKbStore } from "../../src/lib/rag/store.ts";
import { emulatorAppEnv } from "../emulator/appEnv.ts";
import { ADMIN_KEY, SCOPED_KEY } from "../emulator/fixtures.ts";
import { type EmulatorHandle, startEmulator } from "../emulator/server.ts";
import { embeddingCalls } from "../emulator/testkit.ts";
import { SAMPLE_DOC_COUNT as N } from "./sampleDocs.ts";

// The CLI end to end, as `npm run ingest` runs it: Node's own type stripping, react-server conditions,
// configuration from the environment, PGlite on disk. Then the app's configured retrieve() reads what it
// wrote.

const PROJECT = fileURLToPath(new URL("../../", import.meta.url));
const KEY = ADMIN_KEY;
/** The part of the operator's key that must never be printed. */
const KEY_SECRET = KEY.split(".").at(-1) ?? KEY;

let emulator: EmulatorHandle;
let dataDir: string;
let env: Record<string, string>;

function runCli(args: string[], extraEnv: Record<string, string> = {}) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, ["--conditions=react-server", "scripts/ingest.ts", ...args], {
      cwd: PROJECT,
      env: { ...process.env, ...env, ...extraEnv },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

beforeAll(async () => {
  emulator = await startEmulator({ port: 0 });
  dataDir = await mkdtemp(join(tmpdir(), "kb-cli-"));
  env = {
    ...emulatorAppEnv(emulator.url),
    DATA_DIR: dataDir,
    DATABASE_URL: "",
    CHUTES_API_KEY: KEY,
    RAG_TOP_K: "3",
    RAG_MIN_SCORE: "0",
  };
}, 60_000);
afterAll(async () => {
  await emulator.close();
  await rm(dataDir, { recursive: true, force: true });
}, 60_000);

describe("scripts/ingest.ts", () => {
  it("prints usage and exits 2 without paths or with an unknown option", async () => {
    const none = await runCli([]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/Give at least one file or folder/);
    const bad = await runCli(["--frobnicate", "docs"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/Unknown option --frobnicate/);
  }, 60_000);

  it("ingests with the operator key, then makes no embedding call on a re-run; the key is never printed", async () => {
    const first = await runCli(["--", "docs"]);
    expect(first.stderr).not.toMatch(/Ingest failed/);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(`Documents: ${N} added, 0 changed, 0 unchanged, 0 removed (${N} files)`);
    expect(first.stdout).toMatch(/Embedding calls: [1-9]/);
    expect(first.stderr).toContain(`[ingest] ${N}/${N} documents`);
    expect(embeddingCalls(emulator).length).toBeGreaterThan(0);
    expect(embeddingCalls(emulator).every((c) => c.authorization === `Bearer ${KEY}`)).toBe(true);

    const callsBefore = embeddingCalls(emulator).length;
    const second = await runCli(["docs", "--prune"]);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain(`${N} unchanged`);
    expect(second.stdout).toMatch(/Embedding calls: 0/);
    expect(embeddingCalls(emulator).length).toBe(callsBefore);

    for (const output of [first.stdout, first.stderr, second.stdout, second.stderr]) {
      expect(output).not.toContain(KEY_SECRET);
    }
  }, 60_000);

  it("stops on a refused embedding call without printing the key, even if the server echoes it", async () => {
    emulator.inject({ failure: "payment_required", match: { path: "embeddings" }, echoCredential: true });
    const result = await runCli(["docs", "--reset"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/Ingest failed: .*HTTP 402/);
    expect(`${result.stdout}${result.stderr}`).not.toContain(KEY_SECRET);
    // Put the knowledge base back for the next test.
    expect((await runCli(["docs"])).code).toBe(0);
  }, 60_000);

  it("feeds the app's configured retrieve(), which embeds with the user's credential", async () => {
    const saved = { ...process.env };
    Object.assign(process.env, env, { CHUTES_API_KEY: "" });
    resetConfigForTests();
    try {
      emulator.reset();
      const result = await retrieve({
        query: "What is the default embedding model?",
        credential: SCOPED_KEY,
      });
      expect(result.mode).toBe("hybrid");
      expect(result.chunks).toHaveLength(3);
      expect(result.chunks[0]?.source).toBe("docs/knowledge-base.md");
      expect(embeddingCalls(emulator).map((c) => c.authorization)).toEqual([`Bearer ${SCOPED_KEY}`]);
    } finally {
      await getKbStore().close(); // the singleton of this configuration: release DATA_DIR
      process.env = saved;
      resetConfigForTests();
    }
  }, 60_000);
});
