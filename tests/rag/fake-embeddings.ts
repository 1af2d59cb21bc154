import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";

// Deterministic, text-similar embeddings for tests: feature hashing of word stems into `dimensions`
// buckets, L2-normalised. Texts sharing words get a high cosine similarity, so ranking is meaningful.

const STOP_WORDS = new Set(
  "a an and are as at be by can do does for from has have how i in is it its my of on or the this to what when which who why with you your".split(
    " ",
  ),
);

function stem(word: string): string {
  return word.replace(/(ing|ed|es|s)$/, "").slice(0, 8) || word;
}

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

export function hashEmbedding(text: string, dimensions: number): number[] {
  const vector = new Array<number>(dimensions).fill(0);
  for (const word of text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []) {
    if (STOP_WORDS.has(word)) continue;
    const index = fnv1a(stem(word)) % dimensions;
    vector[index] = (vector[index] ?? 0) + 1;
  }
  const norm = Math.hypot(...vector);
  if (norm === 0) {
    vector[0] = 1; // a text of stop words only: some fixed unit vector
    return vector;
  }
  return vector.map((v) => v / norm);
}

export interface EmbeddingsCall {
  authorization: string | undefined;
  model: string;
  inputs: string[];
}

type Planned = { status: number; body?: unknown } | "hang";

/** An OpenAI-compatible embeddings endpoint on a local port (works for child processes too). */
export interface EmbeddingsServer {
  /** Base URL to use as CHUTES_EMBEDDINGS_URL, e.g. http://127.0.0.1:4321/v1 */
  url: string;
  calls: EmbeddingsCall[];
  /** Answer the next `times` requests with this status and JSON body. */
  failNext(status: number, body?: unknown, times?: number): void;
  /** Never answer the next request (for timeouts). */
  hangNext(): void;
  /** Return vectors of this length from now on (dimension mismatch tests). */
  setDimensions(dimensions: number): void;
  reset(): void;
  close(): Promise<void>;
}

export async function startEmbeddingsServer(options: { dimensions: number }): Promise<EmbeddingsServer> {
  let dimensions = options.dimensions;
  const calls: EmbeddingsCall[] = [];
  const plan: Planned[] = [];
  const hanging = new Set<() => void>();

  const server = createServer(async (req, res) => {
    const body = await readBody(req);
    if (req.method !== "POST" || req.url !== "/v1/embeddings") {
      res
        .writeHead(404, { "content-type": "application/json" })
        .end(JSON.stringify({ detail: "No matching cord found!" }));
      return;
    }
    const parsed = JSON.parse(body) as { model: string; input: string[] | string };
    const inputs = Array.isArray(parsed.input) ? parsed.input : [parsed.input];
    calls.push({ authorization: req.headers.authorization, model: parsed.model, inputs });
    const next = plan.shift();
    if (next === "hang") {
      await new Promise<void>((resolve) => {
        hanging.add(resolve);
        req.on("close", resolve);
      });
      return;
    }
    if (next) {
      res.writeHead(next.status, { "content-type": "application/json" }).end(JSON.stringify(next.body ?? {}));
      return;
    }
    const data = inputs.map((text, index) => ({
      object: "embedding",
      index,
      embedding: hashEmbedding(text, dimensions),
    }));
    res.writeHead(200, { "content-type": "application/json" }).end(
      JSON.stringify({
        object: "list",
        data,
        model: parsed.model,
        usage: { prompt_tokens: 0, total_tokens: 0 },
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/v1`,
    calls,
    failNext(status, body, times = 1) {
      for (let i = 0; i < times; i++) plan.push(body === undefined ? { status } : { status, body });
    },
    hangNext() {
      plan.push("hang");
    },
    setDimensions(value) {
      dimensions = value;
    },
    reset() {
      calls.length = 0;
      plan.length = 0;
      dimensions = options.dimensions;
    },
    close: async () => {
      for (const release of hanging) release();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}
