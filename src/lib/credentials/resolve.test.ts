// @vitest-environment node
import { HttpResponse, http } from "msw";
import { setupServer } from "msw/node";
import { NextRequest } from "next/server";
import { encode } from "next-auth/jwt";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { ChutesJwt } from "../auth/oauthSession.ts";
import { API_KEY_HEADER } from "../chutesAuth.ts";
import { parseConfig } from "../config.ts";
import { refreshAfterUnauthorized, resolveCredential } from "./resolve.ts";

const KEY = `cpk_${"0".repeat(32)}.${"1".repeat(32)}.${"Z".repeat(32)}`;
const IDP = "https://idp.chutes.test";
const settings = parseConfig({
  CHUTES_IDP_URL: IDP,
  CHUTES_CLIENT_ID: "cid_abcdefghijklmnopqrstuvwx",
  CHUTES_CLIENT_SECRET: "csc_secret",
  NEXTAUTH_URL: "http://localhost:3000",
  NEXTAUTH_SECRET: "test-secret-test-secret-test-secret-42",
});

const tokenCalls: URLSearchParams[] = [];
let tokenReply: () => Response = () => HttpResponse.json({ error: "invalid_grant" }, { status: 400 });
const server = setupServer(
  http.post(`${IDP}/idp/token`, async ({ request }) => {
    tokenCalls.push(new URLSearchParams(await request.text()));
    await new Promise((resolve) => setTimeout(resolve, 50));
    return tokenReply();
  }),
);
beforeAll(() => server.listen({ onUnhandledFrame: "error" }));
afterEach(() => {
  tokenCalls.length = 0;
});
afterAll(() => server.close());

let sequence = 0;
function session(expiresInMs: number): ChutesJwt {
  sequence += 1;
  return {
    sub: "u1",
    chutes: {
      accessToken: `cak_access_${sequence}`,
      refreshToken: `crt_refresh_${sequence}`,
      expiresAt: Date.now() + expiresInMs,
      username: "alice",
      userId: "u1",
    },
  };
}

async function requestWith(
  jwt: ChutesJwt | null,
  headers: Record<string, string> = {},
): Promise<NextRequest> {
  const cookie = jwt
    ? `next-auth.session-token=${await encode({ token: jwt, secret: settings.NEXTAUTH_SECRET ?? "" })}`
    : "";
  return new NextRequest("http://localhost:3000/api/chat", {
    headers: { ...headers, ...(cookie ? { cookie } : {}) },
  });
}

function rotated(n: number) {
  return () =>
    HttpResponse.json({
      access_token: `cak_new_${n}`,
      refresh_token: `crt_new_${n}`,
      expires_in: 3600,
      token_type: "Bearer",
    });
}

describe("resolveCredential", () => {
  it("uses the key from its header even when a session exists", async () => {
    const result = await resolveCredential(
      await requestWith(session(3600_000), { [API_KEY_HEADER]: KEY }),
      settings,
    );
    expect(result).toMatchObject({ ok: true, credential: { kind: "api-key", token: KEY } });
    expect(result.setCookie).toBeUndefined();
  });

  it("refuses a malformed key before anything reaches Chutes", async () => {
    const result = await resolveCredential(
      await requestWith(null, { [API_KEY_HEADER]: "cpk_short" }),
      settings,
    );
    expect(result).toMatchObject({ ok: false, error: { code: "invalid_key_format" } });
  });

  it("answers no_credential when nothing is present", async () => {
    expect(await resolveCredential(await requestWith(null), settings)).toMatchObject({
      ok: false,
      error: { code: "no_credential" },
    });
  });

  it("ignores an Authorization header (only the session cookie counts)", async () => {
    const forged = await encode({ token: session(3600_000), secret: settings.NEXTAUTH_SECRET ?? "" });
    const result = await resolveCredential(
      await requestWith(null, { authorization: `Bearer ${forged}` }),
      settings,
    );
    expect(result).toMatchObject({ ok: false, error: { code: "no_credential" } });
  });

  it("uses a fresh OAuth access token without calling the IDP", async () => {
    const jwt = session(3600_000);
    const result = await resolveCredential(await requestWith(jwt), settings);
    expect(result).toMatchObject({ ok: true, credential: { kind: "oauth", token: jwt.chutes?.accessToken } });
    expect(tokenCalls).toHaveLength(0);
  });

  it("refreshes a token about to expire and hands back the rotated cookie", async () => {
    tokenReply = rotated(1);
    const jwt = session(10_000); // inside the 60 s margin
    const result = await resolveCredential(await requestWith(jwt), settings);
    expect(result).toMatchObject({ ok: true, credential: { kind: "oauth", token: "cak_new_1" } });
    expect(tokenCalls).toHaveLength(1);
    expect(Object.fromEntries(tokenCalls[0] ?? [])).toEqual({
      grant_type: "refresh_token",
      refresh_token: jwt.chutes?.refreshToken,
      client_id: "cid_abcdefghijklmnopqrstuvwx",
      client_secret: "csc_secret",
    });
    expect(result.setCookie).toMatch(/^next-auth\.session-token=.+; Path=\/; HttpOnly; SameSite=Lax/);
    expect(result.setCookie).not.toContain("cak_new_1");
  });

  it("makes exactly one token call for 20 concurrent requests at expiry", async () => {
    tokenReply = rotated(2);
    const jwt = session(-1000);
    const requests = await Promise.all(Array.from({ length: 20 }, () => requestWith(jwt)));
    const results = await Promise.all(requests.map((r) => resolveCredential(r, settings)));
    expect(tokenCalls).toHaveLength(1);
    for (const result of results)
      expect(result).toMatchObject({ ok: true, credential: { token: "cak_new_2" } });

    // A late request still carrying the old cookie reuses the result instead of replaying a used token.
    const late = await resolveCredential(await requestWith(jwt), settings);
    expect(late).toMatchObject({ ok: true, credential: { token: "cak_new_2" } });
    expect(tokenCalls).toHaveLength(1);
  });

  it("ends the session cleanly when the refresh token was revoked", async () => {
    tokenReply = () => HttpResponse.json({ error: "invalid_grant" }, { status: 400 });
    const result = await resolveCredential(await requestWith(session(-1000)), settings);
    expect(result).toMatchObject({ ok: false, error: { code: "session_expired" } });
    expect(result.setCookie).toMatch(/^next-auth\.session-token=/);
  });

  it("keeps the session when the IDP is unreachable, and tries again next time", async () => {
    tokenReply = () => HttpResponse.error();
    const jwt = session(-1000);
    const first = await resolveCredential(await requestWith(jwt), settings);
    expect(first).toMatchObject({ ok: true, credential: { kind: "oauth", token: jwt.chutes?.accessToken } });
    tokenReply = rotated(3);
    const second = await resolveCredential(await requestWith(jwt), settings);
    expect(second).toMatchObject({ ok: true, credential: { token: "cak_new_3" } });
  });
});

describe("refreshAfterUnauthorized", () => {
  it("refreshes even a token that looks valid, after Chutes refused it", async () => {
    tokenReply = rotated(4);
    const refreshed = await refreshAfterUnauthorized(session(3600_000), settings);
    expect(refreshed.credential).toEqual({ provider: "chutes", kind: "oauth", token: "cak_new_4" });
    expect(refreshed.setCookie).toBeDefined();
  });
});
