// @vitest-environment node
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_KEY, alice, BROKE_KEY, bob, SCOPED_KEY, UNKNOWN_KEY } from "./fixtures.ts";
import { type EmulatorHandle, startEmulator } from "./server.ts";

let emu: EmulatorHandle;
beforeAll(async () => {
  emu = await startEmulator({ port: 0 });
});
afterAll(() => emu.close());

const get = (path: string, authorization?: string) =>
  fetch(`${emu.url}${path}`, { headers: authorization === undefined ? {} : { authorization } });

async function expectDetail(response: Response, status: number, detail: unknown) {
  expect(response.status).toBe(status);
  expect(await response.json()).toEqual({ detail });
}

describe("GET /users/me", () => {
  it("returns the SelfResponse for an admin key", async () => {
    const response = await get("/users/me", `Bearer ${ADMIN_KEY}`);
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(Object.keys(body).sort()).toEqual(
      [
        "username",
        "user_id",
        "logo_id",
        "created_at",
        "logo",
        "hotkey",
        "coldkey",
        "payment_address",
        "permissions_bitmask",
        "balance",
        "netuids",
        "quotas",
        "permissions",
      ].sort(),
    );
    expect(body).toMatchObject({ username: "alice", user_id: alice.userId, balance: 12.5, quotas: null });
    expect(body).not.toHaveProperty("email");
  });

  it("reads the last space-separated token of the header (Basic, bare)", async () => {
    expect((await get("/users/me", `Basic ${ADMIN_KEY}`)).status).toBe(200);
    expect((await get("/users/me", ADMIN_KEY)).status).toBe(200);
  });

  it("shows balance 0.0 for the broke user", async () => {
    const response = await get("/users/me", `Bearer ${BROKE_KEY}`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ username: "bob", user_id: bob.userId, balance: 0 });
  });

  it("rejects an invoke-only key with 401, not 403", async () => {
    await expectDetail(
      await get("/users/me", `Bearer ${SCOPED_KEY}`),
      401,
      "Invalid token or user not found",
    );
  });

  it("answers each kind of bad credential with its own 401 text", async () => {
    await expectDetail(
      await get("/users/me", `Bearer ${UNKNOWN_KEY}`),
      401,
      "Invalid token or user not found",
    );
    await expectDetail(
      await get("/users/me", `Bearer ${ADMIN_KEY.slice(0, -1)}`),
      401,
      "Missing or invalid authorization header(s)",
    );
    await expectDetail(await get("/users/me", "Bearer not-a-key"), 401, "Invalid token.");
    await expectDetail(await get("/users/me"), 401, "Can't find a user with that api key in our db :(");
    await expectDetail(
      await get("/users/me", "Bearer cak_00000000-0000-4000-8000-000000000000.abc"),
      401,
      "Can't find a user with that api key in our db :(",
    );
  });

  it("uses FastAPI's 404/405 bodies for unknown routes", async () => {
    await expectDetail(await get("/nope"), 404, "Not Found");
    await expectDetail(await fetch(`${emu.url}/users/me`, { method: "DELETE" }), 405, "Method Not Allowed");
  });
});

describe("GET /llm/v1/models", () => {
  it("is public and lists models with every catalogue field", async () => {
    const response = await get("/llm/v1/models");
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.object).toBe("list");
    expect(body.data.length).toBeGreaterThanOrEqual(4);
    // One model per reasoning shape besides the plain ones.
    expect(body.data.length).toBeLessThanOrEqual(10);
    for (const model of body.data) {
      for (const field of [
        "id",
        "object",
        "created",
        "owned_by",
        "root",
        "parent",
        "max_model_len",
        "permission",
        "chute_id",
        "price",
        "pricing",
        "confidential_compute",
        "premium",
        "context_length",
        "max_output_length",
        "quantization",
        "input_modalities",
        "output_modalities",
        "supported_features",
        "supported_sampling_parameters",
      ]) {
        expect(model, `${model.id} lacks ${field}`).toHaveProperty(field);
      }
      expect(model.object).toBe("model");
      expect(model.chute_id).toMatch(/^[0-9a-f-]{36}$/);
      expect(model.price.input_cache_read).toEqual({ usd: expect.any(Number), tao: expect.any(Number) });
      expect(model.pricing).toEqual({
        prompt: expect.any(Number),
        completion: expect.any(Number),
        input_cache_read: expect.any(Number),
      });
      expect(model.id.startsWith("emulator/")).toBe(false);
    }
    const ids = body.data.map((m: { id: string }) => m.id);
    expect(ids).toContain("deepseek-ai/DeepSeek-V3.2-TEE");
    expect(body.data[0].confidential_compute).toBe(true);
    const again = await (await get("/llm/v1/models")).json();
    expect(again.data.map((m: { id: string }) => m.id)).toEqual(ids);
  });

  it("validates a key when one is sent (a cost-free check that accepts invoke-only keys)", async () => {
    expect((await get("/llm/v1/models", `Bearer ${SCOPED_KEY}`)).status).toBe(200);
    expect((await get("/llm/v1/models", `Bearer ${ADMIN_KEY}`)).status).toBe(200);
    await expectDetail(
      await get("/llm/v1/models", `Bearer ${UNKNOWN_KEY}`),
      401,
      "Invalid token or user not found",
    );
    await expectDetail(await get("/llm/v1/models", "Bearer garbage"), 401, "Invalid token.");
  });
});
