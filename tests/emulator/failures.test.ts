// @vitest-environment node
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { FAILURE_TEXT } from "./failures.ts";
import { ADMIN_KEY, alice, BROKE_KEY } from "./fixtures.ts";
import { chuteIdFor } from "./models.ts";
import { type EmulatorHandle, type FailureName, startEmulator } from "./server.ts";
import { bearer, chatRequest, contentOf, parseSse, userMessage } from "./testkit.ts";

const MODEL = "Qwen/Qwen3-32B";
let emu: EmulatorHandle;
beforeAll(async () => {
  emu = await startEmulator({ port: 0, tokenDelayMs: 1 });
});
afterAll(() => emu.close());
beforeEach(() => emu.reset());

const chat = (model: string, stream = false) =>
  chatRequest(emu.url, ADMIN_KEY, { model, stream, messages: userMessage("Tell me something") });

// Plain-status failures: name -> [status, detail], for a chat call on MODEL.
const STATUS_FAILURES: Array<[FailureName, number, unknown]> = [
  ["unauthorized", 401, "Authentication required."],
  [
    "payment_required",
    402,
    {
      message: `Quota exceeded and account balance is $12.5, please pay with fiat or send tao to ${alice.paymentAddress}`,
    },
  ],
  ["forbidden", 403, "Token does not have permission for this resource"],
  ["capacity", 429, "Infrastructure is at maximum capacity, try again later"],
  ["free_limit", 429, FAILURE_TEXT.freeLimit],
  ["disabled", 503, "This chute is currently disabled."],
  ["bad_request", 400, `Invalid request: Invalid request: ${FAILURE_TEXT.engine}`],
  ["exhausted", 500, "exhausted all available targets to no avail"],
];

describe("failures selected by model id emulator/<name>", () => {
  it.each(STATUS_FAILURES)("%s -> %i", async (name, status, detail) => {
    const response = await chat(`emulator/${name}`, true);
    expect(response.status).toBe(status);
    expect(response.headers.get("content-type")).toBe("application/json");
    expect(await response.json()).toEqual({ detail });
  });

  it("no_instances and model_not_found name the requested model", async () => {
    const cold = await chat("emulator/no_instances");
    expect(cold.status).toBe(503);
    expect(await cold.json()).toEqual({
      detail: `No instances available (yet) for chute_id='${chuteIdFor("emulator/no_instances")}'`,
    });
    const missing = await chat("emulator/model_not_found");
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ detail: "model not found: emulator/model_not_found" });
  });

  it("html_429 is nginx's HTML page", async () => {
    const response = await chat("emulator/html_429");
    expect(response.status).toBe(429);
    expect(response.headers.get("content-type")).toContain("text/html");
    const html = await response.text();
    expect(html).toContain("<title>429 Too Many Requests</title>");
    expect(html).toContain("nginx");
  });

  it("midstream_error sends a few chunks, then a raw non-SSE error line, and no [DONE]", async () => {
    const response = await chat("emulator/midstream_error", true);
    expect(response.status).toBe(200);
    const stream = parseSse(await response.text());
    expect(stream.events.length).toBeGreaterThan(0);
    expect(stream.events.length).toBeLessThanOrEqual(3);
    expect(contentOf(stream)).toMatch(/^You asked:/);
    expect(stream.done).toBe(false);
    expect(stream.strayLines).toEqual([
      JSON.stringify({
        error: `Unhandled exception during response stream: ${FAILURE_TEXT.midstreamReason}`,
      }),
    ]);
  });

  it("engine_error_event passes the engine's error through as an SSE event", async () => {
    const stream = parseSse(await (await chat("emulator/engine_error_event", true)).text());
    expect(stream.done).toBe(false);
    expect(stream.strayLines).toEqual([]);
    expect(stream.events.at(-1)).toEqual({
      error: { object: "error", message: FAILURE_TEXT.engineEvent, code: 400 },
    });
    expect(stream.events.length).toBeGreaterThan(1);
  });

  it("stream failures without a stream become plain statuses", async () => {
    expect((await chat("emulator/midstream_error")).status).toBe(500);
    expect((await chat("emulator/engine_error_event")).status).toBe(400);
  });

  it("drop_connection destroys the socket without a response", async () => {
    await expect(chat("emulator/drop_connection")).rejects.toThrow();
    const [record] = emu.requests({ path: "/llm/v1/chat/completions" });
    expect(record).toMatchObject({ status: 0, completed: false, clientClosedEarly: false });
  });

  it("checks auth and balance before the failure, and hides emulator ids from /v1/models", async () => {
    const noAuth = await chatRequest(emu.url, null, {
      model: "emulator/capacity",
      messages: userMessage("x"),
    });
    expect(noAuth.status).toBe(401);
    const broke = await chatRequest(emu.url, BROKE_KEY, {
      model: "emulator/capacity",
      messages: userMessage("x"),
    });
    expect(broke.status).toBe(402);
    const unknown = await chat("emulator/not_a_failure");
    expect(await unknown.json()).toEqual({ detail: "model not found: emulator/not_a_failure" });
    const models = await (await fetch(`${emu.url}/llm/v1/models`)).json();
    expect(models.data.some((m: { id: string }) => m.id.startsWith("emulator/"))).toBe(false);
  });

  it("works on the embeddings host too", async () => {
    const response = await fetch(`${emu.url}/embed/v1/embeddings`, {
      method: "POST",
      headers: { "content-type": "application/json", ...bearer(ADMIN_KEY) },
      body: JSON.stringify({ model: "emulator/capacity", input: "x" }),
    });
    expect(response.status).toBe(429);
    expect(await response.json()).toEqual({ detail: FAILURE_TEXT.capacity });
  });
});

describe("failures injected with /_emulator/inject", () => {
  const inject = (rule: unknown) =>
    fetch(`${emu.url}/_emulator/inject`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(rule),
    });

  it.each(STATUS_FAILURES)("%s applies to the next chat call only", async (name, status, detail) => {
    expect((await inject({ failure: name, match: { path: "chat" } })).status).toBe(200);
    const failed = await chat(MODEL, true);
    expect(failed.status).toBe(status);
    if (name !== "payment_required") expect(await failed.json()).toEqual({ detail });
    expect((await chat(MODEL)).status).toBe(200);
  });

  it("honours times and then lets requests through", async () => {
    await inject({ failure: "capacity", times: 2 });
    expect((await chat(MODEL)).status).toBe(429);
    expect((await chat(MODEL)).status).toBe(429);
    expect((await chat(MODEL)).status).toBe(200);
  });

  it("matches on model and path", async () => {
    await inject({ failure: "no_instances", match: { model: "zai-org/GLM-4.6-TEE" } });
    expect((await chat(MODEL)).status).toBe(200);
    const cold = await chat("zai-org/GLM-4.6-TEE");
    expect(cold.status).toBe(503);
    expect(await cold.json()).toEqual({
      detail: `No instances available (yet) for chute_id='${chuteIdFor("zai-org/GLM-4.6-TEE")}'`,
    });

    await inject({ failure: "unauthorized", match: { path: "users_me" } });
    expect((await chat(MODEL)).status).toBe(200);
    const me = await fetch(`${emu.url}/users/me`, { headers: bearer(ADMIN_KEY) });
    expect(me.status).toBe(401);
    expect(await me.json()).toEqual({ detail: "Can't find a user with that api key in our db :(" });

    await inject({ failure: "capacity", match: { path: "models" } });
    expect((await fetch(`${emu.url}/llm/v1/models`)).status).toBe(429);

    await inject({ failure: "unauthorized", match: { path: "token" } });
    const token = await fetch(`${emu.url}/idp/token`, { method: "POST" });
    expect(token.status).toBe(400);
    expect(await token.json()).toEqual({ error: "invalid_grant" });
  });

  it("uses the caller's balance in an injected 402", async () => {
    await inject({ failure: "payment_required" });
    const response = await chat(MODEL);
    expect(await response.json()).toEqual({
      detail: {
        message: `Quota exceeded and account balance is $12.5, please pay with fiat or send tao to ${alice.paymentAddress}`,
      },
    });
  });

  it("echoCredential repeats the caller's token in the error detail, and only when asked", async () => {
    await inject({ failure: "payment_required", echoCredential: true });
    const echoed = (await (await chat(MODEL)).json()) as { detail: { message: string } };
    expect(echoed.detail.message).toContain(ADMIN_KEY);
    await inject({ failure: "capacity", echoCredential: true });
    expect((await (await chat(MODEL)).json()).detail).toBe(
      `${FAILURE_TEXT.capacity} (credential ${ADMIN_KEY})`,
    );
    await inject({ failure: "capacity" });
    expect(JSON.stringify(await (await chat(MODEL)).json())).not.toContain(ADMIN_KEY);
  });

  it("slow_first_token holds the status line until the first chunk", async () => {
    await inject({ failure: "slow_first_token", delayMs: 700 });
    const started = Date.now();
    const response = await chat(MODEL, true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(680);
    expect(response.status).toBe(200);
    expect(parseSse(await response.text()).done).toBe(true);
    const quick = Date.now();
    await (await chat(MODEL, true)).text();
    expect(Date.now() - quick).toBeLessThan(680);
  });

  it("midstream_error and drop_connection can be injected into normal models", async () => {
    await inject({ failure: "midstream_error", match: { path: "chat" } });
    const stream = parseSse(await (await chat(MODEL, true)).text());
    expect(stream.done).toBe(false);
    expect(stream.strayLines[0]).toContain("Unhandled exception during response stream");

    await inject({ failure: "drop_connection" });
    await expect(chat(MODEL)).rejects.toThrow();
  });

  it("rejects unknown failure names", async () => {
    const response = await inject({ failure: "meteor_strike" });
    expect(response.status).toBe(400);
    expect(emu.state().pendingInjections).toBe(0);
  });

  it("is cleared by reset", async () => {
    emu.inject({ failure: "capacity", times: 5 });
    expect(emu.state().pendingInjections).toBe(5);
    emu.reset();
    expect((await chat(MODEL)).status).toBe(200);
  });
});
