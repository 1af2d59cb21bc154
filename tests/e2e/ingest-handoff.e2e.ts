import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { appEnv } from "../../playwright.config.ts";
import { ADMIN_KEY } from "../emulator/fixtures.ts";
import { expect, keys, test } from "./fixtures.ts";

// With the embedded store, `npm run ingest` while the app runs hands the work to the app, which
// keeps answering from the same store: a question asked mid-ingest gets cited sources.

const corpus = join("test-results", `handoff-corpus-${process.pid}`);

function runIngestCli(args: string[]): { child: ChildProcess; stderr: () => string; exit: Promise<number> } {
  let stderr = "";
  const child = spawn(process.execPath, ["--conditions=react-server", "scripts/ingest.ts", ...args], {
    env: { ...process.env, ...appEnv, CHUTES_API_KEY: ADMIN_KEY },
    stdio: ["ignore", "ignore", "pipe"],
  });
  child.stderr?.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  const exit = new Promise<number>((resolve) => child.once("exit", (code) => resolve(code ?? -1)));
  return { child, stderr: () => stderr, exit };
}

test.describe("knowledge base during ingest", () => {
  test.afterAll(async () => {
    // Take the extra documents out again so other tests see the sample corpus only.
    rmSync(corpus, { recursive: true, force: true });
    mkdirSync(corpus, { recursive: true });
    await runIngestCli(["--prune", corpus]).exit;
    rmSync(corpus, { recursive: true, force: true });
  });

  test("a question asked while an ingest runs is answered with cited sources", async ({
    setup,
    chat,
    emulator,
  }) => {
    test.setTimeout(90_000);
    mkdirSync(corpus, { recursive: true });
    for (let i = 0; i < 1200; i++) {
      const body = Array.from(
        { length: 12 },
        (_, p) => `Field note ${i}.${p} about zebra migration ${i * p}.`,
      ).join("\n\n");
      writeFileSync(join(corpus, `zebra-${i}.md`), `# Zebra notes ${i}\n\n${body}\n`);
    }
    await setup.connectWithKey(keys.admin);
    await emulator.reset();

    const ingest = runIngestCli([corpus]);
    await expect.poll(ingest.stderr, { timeout: 20_000 }).toContain("holds the knowledge base");
    await chat.send("Which embedding model and how many dimensions does the knowledge base use?");
    const sources = chat.lastAnswer().getByRole("region", { name: "Sources" });
    await expect(sources.locator("li", { hasText: "cited" })).toContainText("docs/knowledge-base.md", {
      timeout: 20_000,
    });
    // The answer came while the ingest was still running, from the app's own store.
    expect(ingest.child.exitCode).toBeNull();
    expect(await ingest.exit).toBe(0);
    expect(ingest.stderr()).toContain("1200/1200 documents");
  });
});
