// @vitest-environment node
import { HttpResponse, http } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { upstreamText } from "../upstream/errorBody.ts";
import { createEmbeddingsClient, EmbeddingError, withRetry } from "./embeddings.ts";

const BASE = "https://embed.test/v1";
const KEY =
  "cpk_0123456789abcdef0123456789abcdef.0123456789abcdef0123456789abcdef.SECRETSECRETSECRETSECRETSECRET12";

const calls: { authorization: string | null; body: unknown }[] = [];
const server = setupServer();

beforeAll(() => server.listen({ onUnhandledFrame: "error" }));
afterEach(() => {
  server.resetHandlers();
  calls.length = 0;
});
afterAll(() => server.close());

function answer(status: number, body: unknown) {
  server.use(
    http.post(`${BASE}/embeddings`, async ({ request }) => {
      calls.push({ authorization: request.headers.get("authorization"), body: await request.json() });
      return HttpResponse.json(body as Record<string, unknown>, { status });
    }),
  );
}

const client = createEmbeddingsClient({ baseUrl: `${BASE}/`, model: "BAAI/bge-m3", timeoutMs: 500 });

describe("createEmbeddingsClient", () => {
  it("posts {model, input} with the bearer credential and returns vectors in input order", async () => {
    answer(200, {
      object: "list",
      data: [
        { index: 1, embedding: [0, 1] },
        { index: 0, embedding: [1, 0] },
      ],
      model: "BAAI/bge-m3",
    });
    expect(await client.embed(["first", "second"], "user-token")).toEqual([
      [1, 0],
      [0, 1],
    ]);
    expect(calls).toEqual([
      { authorization: "Bearer user-token", body: { model: "BAAI/bge-m3", input: ["first", "second"] } },
    ]);
  });

  it("makes no call for an empty input", async () => {
    expect(await client.embed([], "k")).toEqual([]);
    expect(calls).toHaveLength(0);
  });

  it.each([
    [
      402,
      {
        detail: {
          message: "Quota exceeded and account balance is $0.0, please pay",
          quota_reset_timestamp: null,
        },
      },
      "payment_required",
      false,
      /balance is \$0\.0/,
    ],
    [401, { detail: "Invalid token or user not found" }, "unauthorized", false, /Invalid token/],
    [
      403,
      { detail: "Token does not have permission for this resource" },
      "unauthorized",
      false,
      /permission/,
    ],
    [
      429,
      { detail: "Infrastructure is at maximum capacity, try again later" },
      "rate_limited",
      true,
      /capacity/,
    ],
    [503, { detail: "No instances available (yet) for chute_id='abc'" }, "unavailable", true, /No instances/],
    [404, { detail: "model not found: BAAI/bge-m3" }, "rejected", false, /model not found/],
    [
      422,
      { detail: [{ loc: ["body", "input"], msg: "field required", type: "missing" }] },
      "rejected",
      false,
      /field required/,
    ],
  ] as const)("maps HTTP %i to an EmbeddingError", async (status, body, reason, retryable, message) => {
    answer(status, body);
    const error = await client.embed(["q"], KEY).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EmbeddingError);
    expect(error).toMatchObject({ reason, status, retryable });
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).toContain(`HTTP ${status}`);
  });

  it("never puts the credential in an error message, even when the server echoes it", async () => {
    answer(401, { detail: `Invalid token ${KEY}` });
    const error = (await client.embed(["q"], KEY).catch((e: unknown) => e)) as Error;
    expect(error.message).not.toContain(KEY);
    expect(error.message).not.toContain("SECRETSECRET");
    expect(error.message).toContain("[redacted]");
  });

  it("reports bodies that are not an embeddings list, and a wrong vector count", async () => {
    answer(200, { data: [] });
    await expect(client.embed(["q"], "k")).rejects.toMatchObject({ reason: "invalid_response" });
    answer(200, { data: [{ index: 0, embedding: [1] }] });
    await expect(client.embed(["a", "b"], "k")).rejects.toMatchObject({ reason: "invalid_response" });
  });

  it("reports network errors and timeouts as unreachable", async () => {
    server.use(http.post(`${BASE}/embeddings`, () => HttpResponse.error()));
    await expect(client.embed(["q"], "k")).rejects.toMatchObject({ reason: "unreachable", retryable: true });
    server.use(http.post(`${BASE}/embeddings`, () => new Promise<Response>(() => {})));
    const error = (await client.embed(["q"], "k").catch((e: unknown) => e)) as EmbeddingError;
    expect(error.reason).toBe("unreachable");
    expect(error.message).toMatch(/did not answer within 500 ms/);
  });

  it("propagates the caller's abort instead of degrading", async () => {
    server.use(http.post(`${BASE}/embeddings`, () => new Promise<Response>(() => {})));
    const controller = new AbortController();
    const pending = client.embed(["q"], "k", { signal: controller.signal });
    controller.abort(new Error("user stopped"));
    await expect(pending).rejects.toThrow("user stopped");
  });
});

describe("withRetry", () => {
  const retryable = new EmbeddingError("busy", { reason: "rate_limited", status: 429, retryable: true });
  const fatal = new EmbeddingError("no money", { reason: "payment_required", status: 402, retryable: false });

  it("retries retryable errors with exponential backoff, then succeeds", async () => {
    const delays: number[] = [];
    let attempts = 0;
    const result = await withRetry(
      async () => {
        attempts++;
        if (attempts < 4) throw retryable;
        return "ok";
      },
      { sleep: async (ms) => void delays.push(ms), random: () => 1, baseDelayMs: 100, maxDelayMs: 350 },
    );
    expect(result).toBe("ok");
    expect(attempts).toBe(4);
    expect(delays).toEqual([100, 200, 350]); // doubled, capped
  });

  it("gives up after the last attempt and never retries a non-retryable error", async () => {
    let attempts = 0;
    const sleep = async () => {};
    await expect(
      withRetry(
        async () => {
          attempts++;
          throw retryable;
        },
        { attempts: 3, sleep },
      ),
    ).rejects.toBe(retryable);
    expect(attempts).toBe(3);
    attempts = 0;
    await expect(
      withRetry(
        async () => {
          attempts++;
          throw fatal;
        },
        { sleep },
      ),
    ).rejects.toBe(fatal);
    expect(attempts).toBe(1);
  });

  it("retries real 429 and 503 answers through the client", async () => {
    let n = 0;
    server.use(
      http.post(`${BASE}/embeddings`, () => {
        n++;
        if (n === 1)
          return HttpResponse.json({ detail: "Infrastructure is at maximum capacity" }, { status: 429 });
        if (n === 2) return HttpResponse.json({ detail: "No instances available (yet)" }, { status: 503 });
        return HttpResponse.json({ data: [{ index: 0, embedding: [1, 2] }] });
      }),
    );
    const vectors = await withRetry(() => client.embed(["q"], "k"), { sleep: async () => {} });
    expect(vectors).toEqual([[1, 2]]);
    expect(n).toBe(3);
  });
});

describe("the error text an operator sees", () => {
  it("reads FastAPI and OpenAI error shapes and ignores HTML pages", () => {
    expect(upstreamText('{"detail":"plain"}')).toBe("plain");
    expect(upstreamText('{"detail":{"message":"object detail","quota_reset_timestamp":"x"}}')).toBe(
      "object detail",
    );
    expect(upstreamText('{"error":{"message":"openai style"}}')).toBe("openai style");
    expect(upstreamText("<html><body>429 Too Many Requests</body></html>")).toBe("");
    expect(upstreamText("upstream connect error")).toBe("upstream connect error");
  });
});
