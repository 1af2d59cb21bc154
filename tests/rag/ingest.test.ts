// @vitest-environment node
import { cp, mkdir, mkdtemp, readFile, rm, unlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { vector } from "@electric-sql/pglite-pgvector";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createEmbeddingsClient, withRetry } from "../../src/lib/rag/embeddings.ts";
import { KbMismatchError } from "../../src/lib/rag/errors.ts";
import { type DocumentEmbedder, IngestError, type IngestOptions, ingest } from "../../src/lib/rag/ingest.ts";
import { createKbStore, type KbStore } from "../../src/lib/rag/store.ts";
import { ADMIN_KEY, EMBEDDING_DIMENSIONS, EMBEDDING_MODEL } from "../emulator/fixtures.ts";
import { type EmulatorHandle, startEmulator } from "../emulator/server.ts";
import { embeddingCalls } from "../emulator/testkit.ts";
import { SAMPLE_DOC_COUNT as N } from "./sampleDocs.ts";

const IDENTITY = { model: EMBEDDING_MODEL, dimensions: EMBEDDING_DIMENSIONS };
const OPERATOR_KEY = ADMIN_KEY;
const DOCS = new URL("../../docs/", import.meta.url).pathname;

let db: PGlite;
let store: KbStore;
let emulator: EmulatorHandle;
let root: string;
let sleeps: number[];

/** The real client against the emulator, with retries whose waits are recorded instead of slept. */
function httpEmbedder(): DocumentEmbedder {
  const client = createEmbeddingsClient({
    baseUrl: `${emulator.url}/embed/v1`,
    model: IDENTITY.model,
    timeoutMs: 5000,
  });
  return (texts) =>
    withRetry(() => client.embed(texts, OPERATOR_KEY), {
      sleep: async (ms) => {
        sleeps.push(ms);
      },
    });
}

function run(overrides: Partial<IngestOptions> = {}) {
  return ingest({ paths: ["docs"], store, embed: httpEmbedder(), baseDir: root, batchSize: 8, ...overrides });
}

/** Everything that defines the knowledge base's content, independent of ids and timestamps. */
async function snapshot() {
  const documents = (await store.listDocuments()).map((d) => [
    d.source,
    d.title,
    d.contentHash,
    d.chunkCount,
  ]);
  const chunks = (await store.listChunks()).map((c) => [
    c.source,
    c.ordinal,
    c.headingPath,
    c.text,
    c.contentHash,
    c.hasEmbedding,
  ]);
  return { documents, chunks };
}

const embeddedTexts = () => embeddingCalls(emulator).flatMap((c) => c.inputs);

beforeAll(async () => {
  db = await PGlite.create({ extensions: { vector } });
  store = createKbStore({ driver: "pglite", db, embedding: IDENTITY });
  emulator = await startEmulator({ port: 0 });
}, 60_000);
afterAll(async () => {
  await store?.close();
  await db?.close();
  await emulator?.close();
}, 60_000);
beforeEach(async () => {
  await store.reset();
  emulator.reset();
  sleeps = [];
  if (root) await rm(root, { recursive: true, force: true });
  root = await mkdtemp(join(tmpdir(), "kb-ingest-"));
  await cp(DOCS, join(root, "docs"), { recursive: true });
});

describe("ingest", () => {
  it("indexes a folder, then makes zero embedding calls on an unchanged re-run", async () => {
    const first = await run();
    expect(first.documents).toMatchObject({ seen: N, added: N, changed: 0, unchanged: 0, failed: 0 });
    expect(first.chunks.written).toBeGreaterThan(8);
    expect(first.chunks.embedded).toBe(first.chunks.written);
    expect(first.embeddingCalls).toBe(embeddingCalls(emulator).length);
    expect(embeddingCalls(emulator).every((c) => c.authorization === `Bearer ${OPERATOR_KEY}`)).toBe(true);
    expect(embeddingCalls(emulator).every((c) => c.inputs.length <= 8 && c.model === IDENTITY.model)).toBe(
      true,
    );
    expect(await store.stats()).toEqual({
      documents: N,
      chunks: first.chunks.written,
      embeddedChunks: first.chunks.written,
    });
    const sources = (await store.listDocuments()).map((d) => d.source);
    expect(sources).toContain("docs/knowledge-base.md");

    emulator.reset();
    const second = await run();
    expect(embeddingCalls(emulator)).toHaveLength(0);
    expect(second.embeddingCalls).toBe(0);
    expect(second.documents).toMatchObject({ added: 0, changed: 0, unchanged: N });
    expect(second.chunks.written).toBe(0);
  });

  it("re-embeds only the chunks of an edited file whose text changed", async () => {
    await run();
    const before = new Set((await store.listChunks()).map((c) => c.contentHash));
    const file = join(root, "docs", "errors.md");
    const text = await readFile(file, "utf8");
    await writeFile(file, text.replace("Wait a moment and try again", "Wait thirty seconds and try again"));

    emulator.reset();
    const summary = await run();
    expect(summary.documents).toMatchObject({ changed: 1, unchanged: N - 1, added: 0 });
    expect(embeddedTexts()).toHaveLength(1);
    expect(embeddedTexts()[0]).toContain("Wait thirty seconds");
    expect(summary.chunks).toMatchObject({ embedded: 1, withoutEmbedding: 0 });
    expect(summary.chunks.reused).toBe(summary.chunks.written - 1);
    const after = await store.listChunks();
    expect(after.filter((c) => !before.has(c.contentHash)).map((c) => c.headingPath)).toEqual([
      "Errors and what they mean > 429 Too Many Requests",
    ]);
    expect(after.every((c) => c.hasEmbedding)).toBe(true);
  });

  it("prunes documents whose files are gone, only under the given roots and only with --prune", async () => {
    await mkdir(join(root, "other"));
    await writeFile(join(root, "other", "note.md"), "# Other\n\nA note outside docs.");
    await run({ paths: ["docs", "other"] });
    await unlink(join(root, "docs", "privacy.md"));
    await unlink(join(root, "other", "note.md"));

    const kept = await run();
    expect(kept.documents).toMatchObject({ removed: 0, missing: 1, unchanged: N - 1 });
    expect((await store.listDocuments()).map((d) => d.source)).toContain("docs/privacy.md");

    const pruned = await run({ prune: true });
    expect(pruned.documents).toMatchObject({ removed: 1, missing: 0 });
    const sources = (await store.listDocuments()).map((d) => d.source);
    expect(sources).not.toContain("docs/privacy.md");
    expect(sources).toContain("other/note.md"); // not under the pruned root
    expect((await store.listChunks()).some((c) => c.source === "docs/privacy.md")).toBe(false);
  });

  it("finishes an interrupted run (embedding failure) with the same final state as an uninterrupted one", async () => {
    await run();
    const reference = await snapshot();
    await store.reset();

    let calls = 0;
    const real = httpEmbedder();
    const flaky: DocumentEmbedder = async (texts) => {
      if (++calls === 3) throw new Error("process killed");
      return real(texts);
    };
    const error = await run({ embed: flaky }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IngestError);
    expect((error as IngestError).message).toMatch(/run the same command again/);
    const partial = await store.listDocuments();
    expect(partial.length).toBeGreaterThan(0);
    expect(partial.length).toBeLessThan(N);
    // No half-written document: every stored document has all its chunks, each embedded.
    const partialChunks = await store.listChunks();
    for (const doc of partial) {
      const own = partialChunks.filter((c) => c.source === doc.source);
      expect(own).toHaveLength(doc.chunkCount);
      expect(own.every((c) => c.hasEmbedding)).toBe(true);
    }

    const resumed = await run();
    expect(resumed.documents.unchanged).toBe(partial.length);
    expect(await snapshot()).toEqual(reference);
  });

  it("finishes a run that crashed between documents with the same final state", async () => {
    await run();
    const reference = await snapshot();
    await store.reset();

    let written = 0;
    await expect(
      run({
        afterDocument: () => {
          if (++written === 3) throw new Error("crash between documents");
        },
      }),
    ).rejects.toThrow("crash between documents");
    expect(await store.listDocuments()).toHaveLength(3);
    await run();
    expect(await snapshot()).toEqual(reference);
  });

  it("stops between documents when aborted, and a re-run completes the same state", async () => {
    await run();
    const reference = await snapshot();
    await store.reset();
    const controller = new AbortController();
    let written = 0;
    const error = await run({
      signal: controller.signal,
      afterDocument: () => {
        if (++written === 2) controller.abort(new Error("Ctrl-C"));
      },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IngestError);
    expect((error as Error).message).toMatch(/interrupted; \d+ document\(s\) were saved/);
    const saved = (await store.listDocuments()).length;
    expect(saved).toBeGreaterThanOrEqual(2);
    expect(saved).toBeLessThan(N);
    await run();
    expect(await snapshot()).toEqual(reference);
  });

  it("indexes text only without an embedder, and embeds the missing chunks once a key is available", async () => {
    const textOnly = await run({ embed: null });
    expect(textOnly.textOnly).toBe(true);
    expect(textOnly.embeddingCalls).toBe(0);
    expect(embeddingCalls(emulator)).toHaveLength(0);
    expect(textOnly.chunks.withoutEmbedding).toBe(textOnly.chunks.written);
    expect(await store.status()).toMatchObject({ hasChunks: true, hasEmbeddings: false });
    expect((await store.searchText("default embedding model", 3))[0]?.source).toBe("docs/knowledge-base.md");

    expect((await run({ embed: null })).documents.unchanged).toBe(N); // still nothing to do without a key

    const upgraded = await run();
    expect(upgraded.documents.changed).toBe(N);
    expect(upgraded.chunks.embedded).toBe(textOnly.chunks.written);
    expect((await store.stats()).embeddedChunks).toBe(textOnly.chunks.written);
    emulator.reset();
    await run();
    expect(embeddingCalls(emulator)).toHaveLength(0);
  });

  it("retries 429 and 503 answers with backoff, then succeeds", async () => {
    emulator.inject({ failure: "capacity", match: { path: "embeddings" } });
    emulator.inject({ failure: "no_instances", match: { path: "embeddings" } });
    const summary = await run();
    expect(summary.documents.added).toBe(N);
    expect(sleeps).toHaveLength(2);
    expect(sleeps[1]).toBeGreaterThan(sleeps[0] ?? Infinity); // exponential
    expect(embeddingCalls(emulator).length).toBe(summary.embeddingCalls + 2);
    expect((await store.stats()).embeddedChunks).toBe(summary.chunks.written);
  });

  it("stops on a non-retryable refusal without leaking the key", async () => {
    emulator.inject({ failure: "payment_required", match: { path: "embeddings" }, echoCredential: true });
    const error = (await run().catch((e: unknown) => e)) as IngestError;
    expect(error).toBeInstanceOf(IngestError);
    expect(error.message).toMatch(/HTTP 402/);
    expect(error.message).not.toContain(OPERATOR_KEY);
    expect(embeddingCalls(emulator)).toHaveLength(1);
  });

  it("skips files that are not UTF-8, naming them, and ingests the rest", async () => {
    await writeFile(join(root, "docs", "latin1.txt"), Buffer.from([0x63, 0x61, 0x66, 0xe9]));
    const warnings: string[] = [];
    const summary = await run({ onWarning: (m) => warnings.push(m) });
    expect(summary.documents).toMatchObject({ seen: N + 1, added: N, failed: 1 });
    expect(summary.failures).toEqual([
      { source: "docs/latin1.txt", message: expect.stringMatching(/docs\/latin1\.txt is not valid UTF-8/) },
    ]);
    expect(warnings.join("\n")).toMatch(/latin1\.txt/);
  });

  it("ingests HTML, MDX and text files, ignoring other files and hidden folders", async () => {
    await writeFile(
      join(root, "docs", "page.html"),
      "<title>Web page</title><h1>Web</h1><p>Served as HTML.</p>",
    );
    await writeFile(join(root, "docs", "comp.mdx"), "import X from 'x'\n\n# MDX doc\n\n<X />\n\nMDX prose.");
    await writeFile(join(root, "docs", "plain.txt"), "Plain text file.");
    await writeFile(join(root, "docs", "image.png"), "not text");
    await mkdir(join(root, "docs", ".hidden"));
    await writeFile(join(root, "docs", ".hidden", "secret.md"), "# hidden");
    await writeFile(join(root, "docs", "empty.md"), "");
    const summary = await run();
    expect(summary.documents.added).toBe(N + 4);
    const docs = await store.listDocuments();
    expect(docs.find((d) => d.source === "docs/page.html")?.title).toBe("Web page");
    expect(docs.find((d) => d.source === "docs/comp.mdx")?.title).toBe("MDX doc");
    expect(docs.find((d) => d.source === "docs/empty.md")?.chunkCount).toBe(0);
    expect(docs.some((d) => d.source.includes("hidden") || d.source.endsWith(".png"))).toBe(false);
    const mdx = (await store.listChunks()).filter((c) => c.source === "docs/comp.mdx");
    expect(mdx.map((c) => c.text)).toEqual(["MDX prose."]);
  });

  it("refuses a knowledge base built for another model until --reset", async () => {
    await run();
    const other = createKbStore({
      driver: "pglite",
      db,
      embedding: { model: "other/model", dimensions: 384 },
    });
    await expect(
      ingest({ paths: ["docs"], store: other, embed: null, baseDir: root }),
    ).rejects.toBeInstanceOf(KbMismatchError);
    const summary = await ingest({ paths: ["docs"], store: other, embed: null, baseDir: root, reset: true });
    expect(summary.documents.added).toBe(N);
    expect(await other.getMeta()).toEqual({ model: "other/model", dimensions: 384 });
    await other.close();
  });

  it("fails fast on a missing path", async () => {
    await expect(run({ paths: ["docs", "nope"] })).rejects.toThrow("No such file or directory: nope");
    expect(await store.listDocuments()).toEqual([]);
  });

  it("reports progress for every document", async () => {
    const seen: number[] = [];
    await run({ onProgress: (p) => seen.push(p.documentsDone) });
    expect(seen).toEqual(Array.from({ length: N }, (_, i) => i + 1));
  });
});
