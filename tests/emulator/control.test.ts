// @vitest-environment node
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { EmulatorClient } from "./client.ts";
import { ADMIN_KEY, BROKE_KEY } from "./fixtures.ts";
import { type EmulatorHandle, startEmulator } from "./server.ts";
import { bearer, chatRequest, signIn, userMessage } from "./testkit.ts";

const MODEL = "Qwen/Qwen3-32B";
let emu: EmulatorHandle;
let client: EmulatorClient;

beforeAll(async () => {
  emu = await startEmulator({ port: 0, tokenDelayMs: 0 });
  client = new EmulatorClient(`${emu.url}/`);
});
afterAll(() => emu.close());
beforeEach(() => client.reset());

const me = (key: string) => fetch(`${emu.url}/users/me`, { headers: bearer(key) });

describe("EmulatorClient and /_emulator control endpoints", () => {
  it("lists recorded requests with filters and never records control calls", async () => {
    await me(ADMIN_KEY);
    await chatRequest(emu.url, ADMIN_KEY, { model: MODEL, messages: userMessage("hello") });
    await client.state();
    const all = await client.requests();
    expect(all.map((r) => [r.method, r.path, r.host, r.status])).toEqual([
      ["GET", "/users/me", "api", 200],
      ["POST", "/llm/v1/chat/completions", "llm", 200],
    ]);
    const chats = await client.requests({ path: "/llm/v1/chat/completions" });
    expect(chats).toHaveLength(1);
    expect(chats[0]?.body).toMatchObject({ model: MODEL });
    expect(await client.requests({ host: "api" })).toHaveLength(1);
    expect(await client.requests({ method: "get" })).toHaveLength(1);
  });

  it("records form bodies as field objects and other bodies as raw strings", async () => {
    await fetch(`${emu.url}/idp/token/revoke`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "token=abc&token_type_hint=refresh_token",
    });
    await fetch(`${emu.url}/llm/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "text/plain", ...bearer(ADMIN_KEY) },
      body: "not json",
    });
    const [revoke, raw] = await client.requests();
    expect(revoke).toMatchObject({ host: "idp", body: { token: "abc", token_type_hint: "refresh_token" } });
    expect(raw?.body).toBe("not json");
    expect(raw?.status).toBe(400);
  });

  it("injects failures with times", async () => {
    await client.inject({ failure: "capacity", match: { path: "chat" }, times: 2 });
    expect((await client.state()).pendingInjections).toBe(2);
    const statuses = [];
    for (let i = 0; i < 3; i++) {
      statuses.push(
        (await chatRequest(emu.url, ADMIN_KEY, { model: MODEL, messages: userMessage("x") })).status,
      );
    }
    expect(statuses).toEqual([429, 429, 200]);
    await expect(client.inject({ failure: "nope" as "capacity" })).rejects.toThrow(/400/);
  });

  it("sets balances and configures settings; reset restores both", async () => {
    await client.setBalance("bob", 5);
    expect(await (await me(BROKE_KEY)).json()).toMatchObject({ balance: 5 });
    await expect(client.setBalance("carol", 1)).rejects.toThrow(/404/);

    const settings = await client.configure({ tokenDelayMs: 7, accessTokenTtlSeconds: 60 });
    expect(settings).toMatchObject({ tokenDelayMs: 7, accessTokenTtlSeconds: 60 });
    expect(emu.settings.tokenDelayMs).toBe(7);
    await expect(client.configure({ tokenDelayMs: -1 })).rejects.toThrow(/400/);
    expect(await client.configure({ firstTokenDelayMs: 200 })).toMatchObject({ firstTokenDelayMs: 200 });
    await expect(client.configure({ firstTokenDelayMs: -1 })).rejects.toThrow(/400/);

    await client.reset();
    expect(await (await me(BROKE_KEY)).json()).toMatchObject({ balance: 0 });
    expect(emu.settings).toMatchObject({
      tokenDelayMs: 0,
      firstTokenDelayMs: null,
      accessTokenTtlSeconds: 3600,
    });
    expect(await client.requests()).toHaveLength(1);
  });

  it("revokes all refresh and access tokens and reports counts in state", async () => {
    const tokens = await signIn(emu.url);
    expect(await client.state()).toMatchObject({ codesIssued: 1, tokensIssued: 1, activeAccessTokens: 1 });
    expect(await client.revokeAllRefreshTokens()).toBe(2);
    expect((await me(tokens.access_token)).status).toBe(401);
    const state = await client.state();
    expect(state).toMatchObject({ revocations: 2, activeAccessTokens: 0, activeRefreshTokens: 0 });
    expect(state.balances).toEqual({ alice: 12.5, bob: 0 });

    await client.reset();
    expect(await client.state()).toMatchObject({ codesIssued: 0, tokensIssued: 0, revocations: 0 });
  });
});
