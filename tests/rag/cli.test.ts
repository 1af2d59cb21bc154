// @vitest-environment node
import { spawn } from "node:child_process";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetConfigForTests } from "../../src/lib/config.ts";
import { retrieve } from "../../src/lib/rag/retriever.ts";
import { getKbStore } from "../../src/lib/rag/store.ts";
import { type EmbeddingsServer, startEmbeddingsServer } from "./fake-embeddings.ts";

// The CLI end to end, as `npm run ingest` runs it: Node's own type stripping, react-server conditions,
// configuration from the environment, PGlite on disk. Then the app's configured retrieve() reads what it
// wrote.

const PROJECT = fileURLToPath(new URL("../../", import.meta.url));
// The project's own documentation, however many pages it has (developer notes in docs/dev/ included).
const DOC_FILES = (await readdir(join(PROJECT, "docs"), { recursive: true })).filter((f) =>
  /\.(md|markdown|mdx|txt|html?)$/.test(f),
).length;
const KEY = `cpk_${"a".repeat(32)}.${"b".repeat(32)}.${"OperatorSecretKey".padEnd(32, "Z")}`;
const DIM = 64;

let embeddings: EmbeddingsServer;
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
  embeddings = await startEmbeddingsServer({ dimensions: DIM });
  dataDir = await mkdtemp(join(tmpdir(), "kb-cli-"));
  env = {
    DATA_DIR: dataDir,
    DATABASE_URL: "",
    CHUTES_API_KEY: KEY,
    CHUTES_EMBEDDINGS_URL: embeddings.url,
    CHUTES_EMBEDDING_MODEL: "test/hash-embed",
    CHUTES_EMBEDDING_DIMENSIONS: String(DIM),
    RAG_TOP_K: "3",
    RAG_MIN_SCORE: "0",
  };
}, 60_000);
afterAll(async () => {
  await embeddings.close();
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
    expect(first.stdout).toContain(
      `Documents: ${DOC_FILES} added, 0 changed, 0 unchanged, 0 removed (${DOC_FILES} files)`,
    );
    expect(first.stdout).toMatch(/Embedding calls: [1-9]/);
    expect(first.stderr).toContain(`[ingest] ${DOC_FILES}/${DOC_FILES} documents`);
    expect(embeddings.calls.length).toBeGreaterThan(0);
    expect(embeddings.calls.every((c) => c.authorization === `Bearer ${KEY}`)).toBe(true);

    const callsBefore = embeddings.calls.length;
    const second = await runCli(["docs", "--prune"]);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain(`${DOC_FILES} unchanged`);
    expect(second.stdout).toMatch(/Embedding calls: 0/);
    expect(embeddings.calls.length).toBe(callsBefore);

    for (const output of [first.stdout, first.stderr, second.stdout, second.stderr]) {
      expect(output).not.toContain("OperatorSecretKey");
    }
  }, 60_000);

  it("stops on a refused embedding call without printing the key, even if the server echoes it", async () => {
    embeddings.failNext(402, { detail: { message: `Quota exceeded for ${KEY}` } });
    const result = await runCli(["docs", "--reset"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/Ingest failed: .*HTTP 402/);
    expect(`${result.stdout}${result.stderr}`).not.toContain("OperatorSecretKey");
    // Put the knowledge base back for the next test.
    expect((await runCli(["docs"])).code).toBe(0);
  }, 60_000);

  it("feeds the app's configured retrieve(), which embeds with the user's credential", async () => {
    const saved = { ...process.env };
    Object.assign(process.env, env, { CHUTES_API_KEY: "" });
    resetConfigForTests();
    try {
      embeddings.reset();
      const result = await retrieve({
        query: "What is the default embedding model?",
        credential: "user-token-123",
      });
      expect(result.mode).toBe("hybrid");
      expect(result.chunks).toHaveLength(3);
      // The page that states the default model is among the sources (the settings page, full of
      // "default" and "embedded", competes for first place on this small corpus).
      expect(result.chunks.map((c) => c.source)).toContain("docs/knowledge-base.md");
      expect(embeddings.calls.map((c) => c.authorization)).toEqual(["Bearer user-token-123"]);
    } finally {
      await getKbStore().close(); // the singleton of this configuration: release DATA_DIR
      process.env = saved;
      resetConfigForTests();
    }
  }, 60_000);
});
