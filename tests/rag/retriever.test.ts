// @vitest-environment node
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createEmbeddingsClient, withRetry } from "../../src/lib/rag/embeddings.ts";
import { EmbeddingDimensionError, KbMismatchError } from "../../src/lib/rag/errors.ts";
import { ingest } from "../../src/lib/rag/ingest.ts";
import { createRetriever, fuse, type RetrieverDeps } from "../../src/lib/rag/retriever.ts";
import { DEFAULT_FUSION, DEFAULT_MIN_SIMILARITY } from "../../src/lib/rag/settings.ts";
import type { KbStore, SearchHit } from "../../src/lib/rag/store.ts";
import { ADMIN_KEY, EMBEDDING_DIMENSIONS, EMBEDDING_MODEL, SCOPED_KEY } from "../emulator/fixtures.ts";
import { type EmulatorHandle, startEmulator } from "../emulator/server.ts";
import { embeddingCalls } from "../emulator/testkit.ts";
import { BACKENDS, type BackendHandle } from "./backends.ts";

const DIM = EMBEDDING_DIMENSIONS;
const IDENTITY = { model: EMBEDDING_MODEL, dimensions: DIM };
const OPERATOR_KEY = ADMIN_KEY;
/** The user's own credential (an invoke-only key); the operator's key never embeds a query. */
const USER_CREDENTIAL = SCOPED_KEY;
const PROJECT = fileURLToPath(new URL("../../", import.meta.url));

/** Questions whose answer is in exactly one file of docs/. */
const QUESTIONS: [string, string][] = [
  ["What is the default embedding model and its dimensions?", "docs/knowledge-base.md"],
  ["Which Node.js version does chutes-chat need?", "docs/getting-started.md"],
  ["What prefix do Chutes API keys start with?", "docs/api-keys.md"],
  ["Which OAuth scope lets the app run models on my behalf?", "docs/sign-in-with-chutes.md"],
  ["How do I remove documents whose files no longer exist?", "docs/ingest.md"],
  ["What does 402 Payment Required mean?", "docs/errors.md"],
  ["Does the knowledge base store my questions and answers?", "docs/privacy.md"],
];

describe.each(BACKENDS)("retrieve() on $name", (backend) => {
  let handle: BackendHandle;
  let store: KbStore;
  let emulator: EmulatorHandle;
  let embeddingsUrl: string;
  let deps: RetrieverDeps;

  const embedAsOperator = (texts: string[]) => {
    const client = createEmbeddingsClient({
      baseUrl: embeddingsUrl,
      model: IDENTITY.model,
      timeoutMs: 5000,
    });
    return withRetry(() => client.embed(texts, OPERATOR_KEY), { sleep: async () => {} });
  };

  beforeAll(async () => {
    handle = await backend.start();
    store = handle.openStore(IDENTITY);
    emulator = await startEmulator({ port: 0 });
    embeddingsUrl = `${emulator.url}/embed/v1`;
    const client = createEmbeddingsClient({
      baseUrl: embeddingsUrl,
      model: IDENTITY.model,
      timeoutMs: 1000,
    });
    // The settings' defaults: fusion weights, the vector floor and the per-file cap.
    deps = { store, embed: client.embed, topK: 4, minScore: DEFAULT_MIN_SIMILARITY, fusion: DEFAULT_FUSION };
  }, 60_000);
  afterAll(async () => {
    await emulator?.close();
    await handle?.close();
  }, 60_000);
  beforeEach(() => {
    emulator.reset();
  });

  it("returns nothing, without an embedding call, when the knowledge base is empty", async () => {
    const result = await createRetriever(deps)({ query: "anything", credential: USER_CREDENTIAL });
    expect(result).toEqual({ chunks: [], mode: "hybrid" });
    expect(embeddingCalls(emulator)).toHaveLength(0);
  });

  describe("with docs/ ingested", () => {
    beforeAll(async () => {
      await ingest({ paths: ["docs"], store, embed: embedAsOperator, baseDir: PROJECT });
    }, 60_000);

    it.each(QUESTIONS)("ranks the right document first: %s", async (query, expected) => {
      const result = await createRetriever(deps)({ query, credential: USER_CREDENTIAL });
      expect(result.mode).toBe("hybrid");
      expect(result.degraded).toBeUndefined();
      expect(result.chunks[0]?.source).toBe(expected);
      expect(result.chunks.length).toBeLessThanOrEqual(4);
      const scores = result.chunks.map((c) => c.score);
      expect(scores).toEqual([...scores].sort((a, b) => b - a));
    });

    it("gives the model the settings table for a question it answers, though flat vectors outvote it", async () => {
      // BM25 ranks docs/configuration.md first (its RAG_TOP_K row); the emulator's hashing vectors,
      // all within a few hundredths of each other, lift pages that talk about chunks above it. The
      // answer is still among the sources the model reads. Real embeddings spread far more.
      const result = await createRetriever(deps)({
        query: "How many chunks are given to the model for each question by default?",
        credential: USER_CREDENTIAL,
      });
      const settings = result.chunks.find((c) => c.source === "docs/configuration.md");
      expect(settings?.textRank).toBe(1);
      expect(settings?.text).toContain("RAG_TOP_K");
    });

    it("embeds the query once, with the user's credential", async () => {
      const result = await createRetriever(deps)({
        query: "What is the default embedding model?",
        credential: USER_CREDENTIAL,
      });
      expect(embeddingCalls(emulator)).toEqual([
        {
          authorization: `Bearer ${USER_CREDENTIAL}`,
          model: IDENTITY.model,
          inputs: ["What is the default embedding model?"],
        },
      ]);
      const top = result.chunks[0];
      const answer = result.chunks.slice(0, 3).find((c) => c.source === "docs/knowledge-base.md");
      expect(answer?.title).toBe("The knowledge base");
      expect(answer?.text).toContain("BAAI/bge-m3");
      // Why this source: its ranks in both lists, its scores and the words it matched.
      expect(top?.vectorRank).toBe(1);
      expect(top?.textRank).toBeGreaterThanOrEqual(1);
      expect(top?.textScore).toBeGreaterThan(0);
      expect(top?.matchedTerms).toEqual(expect.arrayContaining(["embedding", "model"]));
      expect(top?.similarity).toBeGreaterThan(DEFAULT_MIN_SIMILARITY);
      expect(typeof top?.chunkId).toBe("number");
    });

    it("answers by text without an embedding call when there is no Chutes credential (null)", async () => {
      const result = await createRetriever(deps)({ query: "default embedding model", credential: null });
      expect(result).toMatchObject({ mode: "text-only", degraded: { reason: "no_credential" } });
      expect(result.chunks.slice(0, 3).some((c) => /bge-m3/.test(c.text))).toBe(true);
      expect(embeddingCalls(emulator)).toEqual([]);
    });

    it.each([
      [402, "payment_required", "payment_required"],
      [429, "capacity", "rate_limited"],
      [503, "no_instances", "unavailable"],
      [401, "unauthorized", "unauthorized"],
    ] as const)(
      "falls back to full-text search when embedding answers %i",
      async (status, failure, reason) => {
        emulator.inject({ failure, match: { path: "embeddings" } });
        const result = await createRetriever(deps)({
          query: "default embedding model",
          credential: USER_CREDENTIAL,
        });
        expect(result.mode).toBe("text-only");
        expect(result.degraded).toEqual({ reason, status });
        // By text alone the answer is among the first three (the settings table, also full of "default"
        // and "model", competes on this small corpus).
        const answer = result.chunks.findIndex(
          (c) => c.source === "docs/knowledge-base.md" && /bge-m3/.test(c.text),
        );
        expect(answer).toBeGreaterThanOrEqual(0);
        expect(answer).toBeLessThan(3);
        expect(result.chunks.every((c) => c.vectorRank === undefined)).toBe(true);
        expect(result.chunks[0]?.textRank).toBe(1);
        expect(embeddingCalls(emulator)).toHaveLength(1); // no retry on a user's query
      },
    );

    it("falls back on a timeout and on an unreachable endpoint", async () => {
      emulator.inject({ failure: "slow_first_token", match: { path: "embeddings" }, delayMs: 5000 });
      const slow = createEmbeddingsClient({ baseUrl: embeddingsUrl, model: IDENTITY.model, timeoutMs: 150 });
      const timedOut = await createRetriever({ ...deps, embed: slow.embed })({
        query: "Node.js version",
        credential: USER_CREDENTIAL,
      });
      expect(timedOut).toMatchObject({ mode: "text-only", degraded: { reason: "unreachable" } });
      expect(timedOut.chunks[0]?.source).toBe("docs/getting-started.md");

      const nowhere = createEmbeddingsClient({
        baseUrl: "http://127.0.0.1:9/v1",
        model: IDENTITY.model,
        timeoutMs: 1000,
      });
      const unreachable = await createRetriever({ ...deps, embed: nowhere.embed })({
        query: "Node.js version",
        credential: USER_CREDENTIAL,
      });
      expect(unreachable).toMatchObject({ mode: "text-only", degraded: { reason: "unreachable" } });
      expect(unreachable.degraded?.status).toBeUndefined();
    });

    it("honours k and the similarity floor", async () => {
      const retrieve = createRetriever(deps);
      expect((await retrieve({ query: "API key", credential: USER_CREDENTIAL, k: 2 })).chunks).toHaveLength(
        2,
      );
      const strict = await retrieve({
        query: "Which Node.js version?",
        credential: USER_CREDENTIAL,
        minScore: 0.999,
      });
      expect(strict.mode).toBe("hybrid");
      expect(strict.chunks.every((c) => c.vectorRank === undefined)).toBe(true);
      expect(strict.chunks[0]?.source).toBe("docs/getting-started.md");
    });

    it("makes no call for a blank query", async () => {
      expect(await createRetriever(deps)({ query: "   ", credential: USER_CREDENTIAL })).toEqual({
        chunks: [],
        mode: "hybrid",
      });
      expect(embeddingCalls(emulator)).toHaveLength(0);
    });

    it("throws a clear error when the embedding dimension does not match the knowledge base", async () => {
      emulator.configure({ embeddingDimensions: DIM / 2 });
      const error = await createRetriever(deps)({ query: "model", credential: USER_CREDENTIAL }).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(EmbeddingDimensionError);
      expect((error as Error).message).toMatch(/512-dimensional .* stores 1024 dimensions/);
    });

    it("refuses to search a knowledge base built for another model, before any embedding call", async () => {
      const other = handle.openStore({ model: "intfloat/e5-large", dimensions: 1024 });
      const error = await createRetriever({ ...deps, store: other })({
        query: "model",
        credential: USER_CREDENTIAL,
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(KbMismatchError);
      expect((error as Error).message).toMatch(
        /BAAI\/bge-m3.*intfloat\/e5-large.*npm run ingest -- --reset/s,
      );
      expect(embeddingCalls(emulator)).toHaveLength(0);
    });
  });

  describe("with a text-only knowledge base", () => {
    beforeAll(async () => {
      await store.reset();
      await ingest({ paths: ["docs"], store, embed: null, baseDir: PROJECT });
    }, 60_000);

    it("searches full text without calling the embeddings endpoint", async () => {
      const result = await createRetriever(deps)({
        query: "What prefix do API keys have?",
        credential: USER_CREDENTIAL,
      });
      expect(result.mode).toBe("text-only");
      expect(result.degraded).toEqual({ reason: "not_embedded" });
      expect(result.chunks[0]?.source).toBe("docs/api-keys.md");
      expect(embeddingCalls(emulator)).toHaveLength(0);
    });
  });

  describe("with a cached status", () => {
    it("reads the status once, and again after a write from this process", async () => {
      await store.reset();
      let statusReads = 0;
      const counting: KbStore = {
        ...store,
        status: () => {
          statusReads++;
          return store.status();
        },
      };
      const retrieve = createRetriever({ ...deps, store: counting, statusCacheMs: Number.POSITIVE_INFINITY });
      const question = { query: "What prefix do API keys have?", credential: USER_CREDENTIAL };
      expect((await retrieve(question)).chunks).toEqual([]);
      expect((await retrieve(question)).chunks).toEqual([]);
      expect(statusReads).toBe(1);

      await ingest({ paths: ["docs/api-keys.md"], store, embed: null, baseDir: PROJECT });
      const result = await retrieve(question);
      expect(statusReads).toBe(2);
      expect(result.degraded).toEqual({ reason: "not_embedded" });
      expect(result.chunks[0]?.source).toBe("docs/api-keys.md");
    });
  });
});

describe("retrieve() order of work", () => {
  it("sends the query embedding before the full-text search holds the event loop", async () => {
    const order: string[] = [];
    const store = {
      embedding: IDENTITY,
      status: async () => ({ meta: IDENTITY, hasChunks: true, hasEmbeddings: true }),
      searchText: async () => {
        order.push("text search");
        return [];
      },
      searchVector: async () => [],
    } as unknown as KbStore;
    const result = await createRetriever({
      store,
      embed: async (texts) => {
        order.push("embedding");
        return texts.map(() => new Array(DIM).fill(0.01));
      },
      topK: 4,
      minScore: 0,
    })({ query: "anything", credential: USER_CREDENTIAL });
    expect(result.mode).toBe("hybrid");
    expect(order).toEqual(["embedding", "text search"]);
  });
});

describe("fuse (reciprocal rank fusion)", () => {
  const hit = (chunkId: number): SearchHit => ({
    chunkId,
    documentId: 1,
    title: "t",
    source: "s",
    headingPath: "",
    text: `chunk ${chunkId}`,
    score: 0.5,
  });

  const equal = { method: "rank", textWeight: 1, vectorWeight: 1, maxChunksPerFile: 0 } as const;

  it("sums 1/(60 + rank) over both lists and orders by it", () => {
    const fused = fuse([hit(1), hit(2), hit(3)], [hit(3), hit(4), hit(1)], 10, equal);
    expect(fused.map((c) => [c.chunkId, c.vectorRank, c.textRank])).toEqual([
      [1, 1, 3],
      [3, 3, 1],
      [2, 2, undefined],
      [4, undefined, 2],
    ]);
    expect(fused[0]?.score).toBeCloseTo(1 / 61 + 1 / 63, 12);
    expect(fused[2]?.score).toBeCloseTo(1 / 62, 12);
  });

  it("truncates to the limit and ignores duplicates within one list", () => {
    expect(fuse([hit(1), hit(1), hit(2)], [], 1, equal).map((c) => [c.chunkId, c.score])).toEqual([
      [1, 1 / 61],
    ]);
  });

  it("breaks a tie by the evidence behind it, not by chunk id", () => {
    // Both lists' top hits score 1/61: the vector hit is a weak match, the text hit a strong one.
    const weakVector = { ...hit(1), score: 0.21 };
    const strongText = { ...hit(2), score: 9.5 };
    const others = [{ ...hit(3), score: 0.2 }];
    const fused = fuse([weakVector, ...others], [strongText, { ...hit(4), score: 1 }], 10, equal);
    expect(fused.map((c) => c.chunkId).slice(0, 2)).toEqual([2, 1]);
  });

  it("weights the lists: a lower vector weight lets the text list's order win", () => {
    const fused = fuse([hit(1), hit(2)], [hit(2), hit(1)], 10, { ...equal, vectorWeight: 0.5 });
    expect(fused.map((c) => c.chunkId)).toEqual([2, 1]);
    expect(fused[0]?.score).toBeCloseTo(1 / 61 + 0.5 / 62, 12);
  });

  it("by score: a large BM25 lead beats a small vector edge (ranks alone would call it a tie)", () => {
    // Vector: A 0.30, B 0.25. BM25: B 5.0, A 3.0. Rank fusion scores both 1/61 + 1/62.
    const vector = [
      { ...hit(1), score: 0.3 },
      { ...hit(2), score: 0.25 },
    ];
    const text = [
      { ...hit(2), score: 5 },
      { ...hit(1), score: 3 },
    ];
    const byScore = fuse(vector, text, 10, { ...equal, method: "score", vectorWeight: 0.5 });
    expect(byScore.map((c) => c.chunkId)).toEqual([2, 1]);
    expect(byScore[0]?.score).toBeCloseTo(1 + (0.5 * 0.25) / 0.3, 12);
    expect(byScore[1]?.score).toBeCloseTo(3 / 5 + 0.5, 12);
  });

  it("keeps at most maxChunksPerFile chunks of one file", () => {
    const inFile = (id: number, source: string): SearchHit => ({ ...hit(id), source, score: 10 - id });
    const text = [
      inFile(1, "a.md"),
      inFile(2, "a.md"),
      inFile(3, "a.md"),
      inFile(4, "b.md"),
      inFile(5, "c.md"),
    ];
    const fused = fuse([], text, 4, { ...equal, maxChunksPerFile: 2 });
    expect(fused.map((c) => [c.chunkId, c.source])).toEqual([
      [1, "a.md"],
      [2, "a.md"],
      [4, "b.md"],
      [5, "c.md"],
    ]);
  });
});
