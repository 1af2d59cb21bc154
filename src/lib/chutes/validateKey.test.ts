// @vitest-environment node
import { HttpResponse, http } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { validateKeyWithChutes } from "./validateKey.ts";

const API = "https://api.chutes.test";
const LLM = "https://llm.chutes.test/v1";
const settings = { CHUTES_API_URL: API, CHUTES_LLM_URL: LLM, CHUTES_REQUEST_TIMEOUT_MS: 300 };
const KEY = `cpk_${"a".repeat(32)}.${"b".repeat(32)}.${"C".repeat(32)}`;

const seen: { url: string; authorization: string | null }[] = [];
const server = setupServer();

beforeAll(() => server.listen({ onUnhandledFrame: "error" }));
afterEach(() => {
  server.resetHandlers();
  seen.length = 0;
});
afterAll(() => server.close());

function record(request: Request) {
  seen.push({ url: request.url, authorization: request.headers.get("authorization") });
}

describe("validateKeyWithChutes", () => {
  it("accepts an admin key with its username and balance from /users/me", async () => {
    server.use(
      http.get(`${API}/users/me`, ({ request }) => {
        record(request);
        return HttpResponse.json({ username: "alice", user_id: "u1", balance: 12.5 });
      }),
    );
    const result = await validateKeyWithChutes(KEY, settings);
    expect(result).toEqual({ ok: true, account: { scope: "admin", username: "alice", balance: 12.5 } });
    expect(seen).toEqual([{ url: `${API}/users/me`, authorization: `Bearer ${KEY}` }]);
  });

  it("accepts a scoped key that /users/me refuses but the model list accepts", async () => {
    server.use(
      http.get(`${API}/users/me`, ({ request }) => {
        record(request);
        return HttpResponse.json({ detail: "Invalid token or user not found" }, { status: 401 });
      }),
      http.get(`${LLM}/models`, ({ request }) => {
        record(request);
        return HttpResponse.json({ object: "list", data: [] });
      }),
    );
    const result = await validateKeyWithChutes(KEY, settings);
    expect(result).toEqual({ ok: true, account: { scope: "scoped", username: null, balance: null } });
    expect(seen.map((s) => s.authorization)).toEqual([`Bearer ${KEY}`, `Bearer ${KEY}`]);
  });

  it("rejects a key that both endpoints refuse", async () => {
    server.use(
      http.get(`${API}/users/me`, () =>
        HttpResponse.json({ detail: "Invalid token or user not found" }, { status: 401 }),
      ),
      http.get(`${LLM}/models`, () =>
        HttpResponse.json({ detail: "Invalid token or user not found" }, { status: 401 }),
      ),
    );
    const result = await validateKeyWithChutes(KEY, settings);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe("key_rejected");
  });

  it("says Chutes could not be reached when the request times out", async () => {
    server.use(
      http.get(`${API}/users/me`, async () => {
        await new Promise((resolve) => setTimeout(resolve, 2000));
        return HttpResponse.json({});
      }),
    );
    const started = Date.now();
    const result = await validateKeyWithChutes(KEY, settings);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe("chutes_unreachable");
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it("says Chutes could not be reached on a network failure", async () => {
    server.use(http.get(`${API}/users/me`, () => HttpResponse.error()));
    const result = await validateKeyWithChutes(KEY, settings);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe("chutes_unreachable");
  });

  it("reports a Chutes outage as such, not as a bad key", async () => {
    server.use(
      http.get(`${API}/users/me`, () =>
        HttpResponse.json({ detail: "exhausted all available targets to no avail" }, { status: 500 }),
      ),
    );
    const result = await validateKeyWithChutes(KEY, settings);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe("upstream_error");
  });

  it("never puts the key in the error it returns", async () => {
    server.use(
      http.get(`${API}/users/me`, () => HttpResponse.json({ detail: `bad key ${KEY}` }, { status: 400 })),
    );
    const result = await validateKeyWithChutes(KEY, settings);
    expect(JSON.stringify(result)).not.toContain(KEY);
  });
});
