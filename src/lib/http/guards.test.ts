// @vitest-environment node

import { describe, expect, it } from "vitest";
import { z } from "zod";
import { readJsonBody, rejectCrossOrigin } from "./guards.ts";

const post = (headers: Record<string, string>, body = "{}") =>
  new Request("http://localhost:3000/api/chat", { method: "POST", headers, body });

describe("rejectCrossOrigin", () => {
  it("lets same-origin browser requests and non-browser clients through", () => {
    expect(rejectCrossOrigin(post({ host: "localhost:3000", origin: "http://localhost:3000" }))).toBeNull();
    expect(rejectCrossOrigin(post({ host: "localhost:3000" }))).toBeNull();
  });

  it("refuses another site's page spending the user's credit", async () => {
    const refused = rejectCrossOrigin(post({ host: "localhost:3000", origin: "https://evil.example" }));
    expect(refused?.status).toBe(403);
    expect(await refused?.json()).toMatchObject({ error: { code: "cross_origin" } });
    expect(rejectCrossOrigin(post({ host: "localhost:3000", "sec-fetch-site": "cross-site" }))?.status).toBe(
      403,
    );
  });
});

describe("readJsonBody", () => {
  const schema = z.object({ model: z.string().min(1) });

  it("refuses non-JSON bodies (a cross-site form post cannot send JSON)", async () => {
    const result = await readJsonBody(post({ "content-type": "text/plain" }, "model=x"), schema, 1024);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.response.status).toBe(415);
  });

  it("names the invalid field", async () => {
    const result = await readJsonBody(
      post({ "content-type": "application/json" }, '{"model":""}'),
      schema,
      1024,
    );
    expect(result.ok).toBe(false);
    if (!result.ok) {
      const body = await result.response.json();
      expect(body.error.code).toBe("invalid_request");
      expect(body.error.message).toMatch(/^model: /);
    }
  });

  it("returns the parsed body", async () => {
    const result = await readJsonBody(
      post({ "content-type": "application/json" }, '{"model":"m"}'),
      schema,
      1024,
    );
    expect(result).toEqual({ ok: true, data: { model: "m" } });
  });
});
