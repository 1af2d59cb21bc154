// @vitest-environment node
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_KEY, BROKE_KEY, SCOPED_KEY } from "./fixtures.ts";
import { type EmulatorHandle, startEmulator } from "./server.ts";
import { bearer } from "./testkit.ts";

let emu: EmulatorHandle;
beforeAll(async () => {
  emu = await startEmulator({ port: 0 });
});
afterAll(() => emu.close());

function embed(body: unknown, token: string | null = ADMIN_KEY): Promise<Response> {
  return fetch(`${emu.url}/embed/v1/embeddings`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? bearer(token) : {}) },
    body: JSON.stringify(body),
  });
}

async function vectors(input: string[]): Promise<number[][]> {
  const response = await embed({ model: "BAAI/bge-m3", input });
  expect(response.status).toBe(200);
  const body = await response.json();
  return body.data.map((d: { embedding: number[] }) => d.embedding);
}

const cosine = (a: number[], b: number[]) => a.reduce((sum, x, i) => sum + x * (b[i] ?? 0), 0);

describe("POST /embed/v1/embeddings", () => {
  it("returns 1024-dimensional unit vectors in the OpenAI shape", async () => {
    const response = await embed({ model: "BAAI/bge-m3", input: ["first text", "second text"] });
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.object).toBe("list");
    expect(body.model).toBe("BAAI/bge-m3");
    expect(body.usage.prompt_tokens).toBeGreaterThan(0);
    expect(body.usage.total_tokens).toBe(body.usage.prompt_tokens);
    expect(body.data.map((d: { index: number; object: string }) => [d.index, d.object])).toEqual([
      [0, "embedding"],
      [1, "embedding"],
    ]);
    for (const { embedding } of body.data) {
      expect(embedding).toHaveLength(1024);
      expect(Math.hypot(...embedding)).toBeCloseTo(1, 6);
    }
  });

  it("accepts a single string and is deterministic", async () => {
    const single = await embed({ model: "BAAI/bge-m3", input: "the same words" });
    const [fromString] = (await single.json()).data.map((d: { embedding: number[] }) => d.embedding);
    const [fromList] = await vectors(["the same words"]);
    expect(fromString).toEqual(fromList);
  });

  it("scores texts that share words above unrelated ones", async () => {
    const [query, close, related, unrelated] = await vectors([
      "How do I reset my account password?",
      "To reset your account password, open settings and choose reset password.",
      "Your account settings page lists your email address.",
      "Volcanic eruptions release ash and lava into the atmosphere.",
    ]);
    const q = query as number[];
    expect(cosine(q, close as number[])).toBeGreaterThan(cosine(q, related as number[]));
    expect(cosine(q, related as number[])).toBeGreaterThan(cosine(q, unrelated as number[]));
    expect(cosine(q, close as number[])).toBeGreaterThan(0.4);
    expect(Math.abs(cosine(q, unrelated as number[]))).toBeLessThan(0.2);
  });

  it("supports encoding_format base64 (float32 little-endian)", async () => {
    const response = await embed({ model: "BAAI/bge-m3", input: "base64 please", encoding_format: "base64" });
    const [encoded] = (await response.json()).data.map((d: { embedding: string }) => d.embedding);
    const bytes = Buffer.from(encoded, "base64");
    const decoded = Array.from(new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4));
    const [floats] = await vectors(["base64 please"]);
    expect(decoded).toHaveLength(1024);
    decoded.forEach((v, i) => {
      expect(v).toBeCloseTo(floats?.[i] ?? Number.NaN, 6);
    });
  });

  it("rejects empty input with 400 and other models with 404", async () => {
    for (const input of ["", [], ["ok", "  "]]) {
      const response = await embed({ model: "BAAI/bge-m3", input });
      expect(response.status).toBe(400);
      expect(typeof (await response.json()).detail).toBe("string");
    }
    const other = await embed({ model: "Qwen/Qwen3-Embedding-8B", input: "x" });
    expect(other.status).toBe(404);
    expect(await other.json()).toEqual({ detail: "model not found: Qwen/Qwen3-Embedding-8B" });
  });

  it("authenticates like inference: invoke-only keys work, no auth is 401, broke is 402", async () => {
    expect((await embed({ model: "BAAI/bge-m3", input: "x" }, SCOPED_KEY)).status).toBe(200);
    const noAuth = await embed({ model: "BAAI/bge-m3", input: "x" }, null);
    expect(noAuth.status).toBe(401);
    expect(await noAuth.json()).toEqual({ detail: "Authentication required." });
    const broke = await embed({ model: "BAAI/bge-m3", input: "x" }, BROKE_KEY);
    expect(broke.status).toBe(402);
    expect((await broke.json()).detail.message).toMatch(/^Quota exceeded and account balance is \$0\.0, /);
  });

  it("returns vectors of the configured length, as a host serving another model would", async () => {
    emu.configure({ embeddingDimensions: 256 });
    try {
      const [vector] = await vectors(["first text"]);
      expect(vector).toHaveLength(256);
      expect(Math.hypot(...(vector ?? []))).toBeCloseTo(1, 6);
    } finally {
      emu.reset();
    }
    expect((await vectors(["first text"]))[0]).toHaveLength(1024);
  });

  it("returns dense vectors when asked, as a real model's, ranking texts as the sparse ones do", async () => {
    const texts = ["rotate the signing key", "rotate the signing key every quarter", "bake bread at home"];
    const sparse = await vectors(texts);
    emu.configure({ denseEmbeddings: true });
    try {
      const dense = await vectors(texts);
      const [key, keyQuarter, bread] = dense as [number[], number[], number[]];
      expect(sparse[0]?.filter((v) => v !== 0).length).toBeLessThan(20);
      expect(key.filter((v) => v !== 0)).toHaveLength(1024);
      expect(Math.hypot(...key)).toBeCloseTo(1, 6);
      expect(await vectors([texts[0] ?? ""])).toEqual([key]); // the same text, the same vector
      expect(cosine(key, sparse[0] ?? [])).toBeGreaterThan(0.99);
      expect(cosine(key, keyQuarter)).toBeGreaterThan(cosine(key, bread) + 0.5);
    } finally {
      emu.reset();
    }
  });

  it("answers a wrong path on the chute with 'No matching cord found!'", async () => {
    const response = await fetch(`${emu.url}/embed/v1/nothing`, {
      method: "POST",
      headers: bearer(ADMIN_KEY),
    });
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ detail: "No matching cord found!" });
  });
});
