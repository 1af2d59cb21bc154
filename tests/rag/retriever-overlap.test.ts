// @vitest-environment node
import { type ChildProcess, spawn } from "node:child_process";
import { PGlite } from "@electric-sql/pglite";
import { vector } from "@electric-sql/pglite-pgvector";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEmbeddingsClient } from "../../src/lib/rag/embeddings.ts";
import { createRetriever } from "../../src/lib/rag/retriever.ts";
import { createKbStore, type KbStore } from "../../src/lib/rag/store.ts";

// The full-text search runs while the question's embedding is on its way to Chutes. An embedded
// (PGlite) search holds the event loop, so it must start only once the embedding request has left:
// otherwise every chat waits for the search and then for the whole embedding call, one after the other.

const IDENTITY = { model: "test/overlap", dimensions: 4 };
const wall = () => performance.timeOrigin + performance.now();

// A stand-in for the embeddings host in another process, so it sees a request when it is sent,
// whatever this process's event loop is doing. It notes each arrival's wall-clock time.
const SERVER = `
const arrivals = [];
require("node:http").createServer((req, res) => {
  if (req.method === "GET") { res.setHeader("content-type", "application/json"); return res.end(JSON.stringify(arrivals)); }
  arrivals.push(performance.timeOrigin + performance.now());
  req.resume();
  req.on("end", () => setTimeout(() => {
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify({ object: "list", model: "test/overlap", data: [{ object: "embedding", index: 0, embedding: [1, 0, 0, 0] }] }));
  }, 20));
}).listen(0, "127.0.0.1", function () { console.log(this.address().port); });
`;

let server: ChildProcess;
let origin = "";
let db: PGlite;
let store: KbStore;
beforeAll(async () => {
  server = spawn(process.execPath, ["-e", SERVER], { stdio: ["ignore", "pipe", "inherit"] });
  const port = await new Promise<string>((resolve) =>
    server.stdout?.once("data", (d) => resolve(String(d).trim())),
  );
  origin = `http://127.0.0.1:${port}`;
  db = await PGlite.create({ extensions: { vector } });
  store = createKbStore({ driver: "pglite", db, embedding: IDENTITY });
  await store.writeDocument({
    source: "docs/ingest.md",
    title: "Ingest",
    contentHash: "d1",
    chunks: [
      {
        ordinal: 0,
        headingPath: "Ingest",
        text: "Run npm run ingest to add documents to the knowledge base.",
        tokenCount: 12,
        contentHash: "c1",
        embedding: [1, 0, 0, 0],
      },
    ],
  });
}, 60_000);
afterAll(async () => {
  server?.kill();
  await store?.close();
  await db?.close();
});

describe("retrieve(): the text search and the embedding call overlap", () => {
  it("sends the embedding request before the text search holds the event loop", async () => {
    let textSearchEndedAt = 0;
    const blocking: KbStore = {
      ...store,
      searchText: async (query, limit) => {
        const hits = await store.searchText(query, limit);
        // As a large knowledge base's search in PGlite does, without yielding. Long enough that the
        // host process gets a turn of the CPU to note the arrival even on a loaded machine (at 60 ms
        // it sometimes did not while other test workers ran).
        const until = performance.now() + 300;
        while (performance.now() < until);
        textSearchEndedAt = wall();
        return hits;
      },
    };
    const client = createEmbeddingsClient({
      baseUrl: `${origin}/v1`,
      model: IDENTITY.model,
      timeoutMs: 5000,
    });
    const retrieve = createRetriever({ store: blocking, embed: client.embed, topK: 3, minScore: 0 });

    const result = await retrieve({ query: "how do I ingest documents?", credential: "cpk_test", k: 3 });

    expect(result.mode).toBe("hybrid");
    expect(result.chunks[0]?.source).toBe("docs/ingest.md");
    const arrivals = (await (await fetch(origin)).json()) as number[];
    expect(arrivals).toHaveLength(1);
    // The request reached the host while the search was still running, not after it.
    expect(arrivals[0]).toBeLessThan(textSearchEndedAt);
  });
});
