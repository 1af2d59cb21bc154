// @vitest-environment node
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { alice, OAUTH_CLIENT } from "./fixtures.ts";
import { type EmulatorHandle, startEmulator } from "./server.ts";
import {
  authorize,
  bearer,
  chatRequest,
  pkcePair,
  postForm,
  REDIRECT_URI,
  refresh,
  signIn,
  sleep,
  type TokenResponse,
  userMessage,
} from "./testkit.ts";

let emu: EmulatorHandle;
beforeAll(async () => {
  emu = await startEmulator({ port: 0, tokenDelayMs: 0 });
});
afterAll(() => emu.close());
beforeEach(() => emu.reset());

const ACCESS = /^cak_[0-9a-f-]{36}\.[A-Za-z0-9]{48}$/;
const REFRESH = /^crt_[0-9a-f-]{36}\.[A-Za-z0-9]{48}$/;
const MODEL = "Qwen/Qwen3-32B";

const tokenUrl = () => `${emu.url}/idp/token`;
const usersMe = (token: string) => fetch(`${emu.url}/users/me`, { headers: bearer(token) });
const userinfo = (headers: Record<string, string>) => fetch(`${emu.url}/idp/userinfo`, { headers });
const chat = (token: string) => chatRequest(emu.url, token, { model: MODEL, messages: userMessage("hi") });

async function codeFor(options: Parameters<typeof authorize>[1] = {}): Promise<string> {
  const callback = await authorize(emu.url, options);
  const code = callback.searchParams.get("code");
  if (!code) throw new Error(`no code: ${callback}`);
  return code;
}

function exchange(fields: Record<string, string>, headers: Record<string, string> = {}) {
  return postForm(
    tokenUrl(),
    { grant_type: "authorization_code", redirect_uri: REDIRECT_URI, ...fields },
    headers,
  );
}

async function expectOAuthError(response: Response, error: string) {
  expect(response.status).toBe(400);
  expect((await response.json()).error).toBe(error);
}

describe("discovery", () => {
  it("advertises the /idp endpoints with issuer = the api base and no jwks_uri", async () => {
    const doc = await (await fetch(`${emu.url}/.well-known/openid-configuration`)).json();
    expect(doc.issuer).toBe(emu.url);
    expect(doc.authorization_endpoint).toBe(`${emu.url}/idp/authorize`);
    expect(doc.token_endpoint).toBe(`${emu.url}/idp/token`);
    expect(doc.userinfo_endpoint).toBe(`${emu.url}/idp/userinfo`);
    expect(doc.revocation_endpoint).toBe(`${emu.url}/idp/token/revoke`);
    expect(doc.introspection_endpoint).toBe(`${emu.url}/idp/token/introspect`);
    expect(doc.code_challenge_methods_supported).toEqual(["plain", "S256"]);
    expect(doc.token_endpoint_auth_methods_supported).toEqual([
      "client_secret_post",
      "client_secret_basic",
      "none",
    ]);
    expect(doc.scopes_supported[0]).toBe("admin");
    expect(doc.scopes_supported).toContain("chutes:invoke");
    expect(doc.scopes_supported).not.toContain("openid");
    expect(doc).not.toHaveProperty("jwks_uri");
    expect(doc).not.toHaveProperty("id_token_signing_alg_values_supported");
  });
});

describe("authorization code flow with PKCE", () => {
  it("names the issuer on the redirect when issOnRedirect is on (RFC 9207), on success and on error", async () => {
    expect((await authorize(emu.url)).searchParams.has("iss")).toBe(false);
    emu.configure({ issOnRedirect: true });
    const callback = await authorize(emu.url);
    expect(callback.searchParams.get("iss")).toBe(emu.url);
    expect(callback.searchParams.get("code")).toBeTruthy();
    const refused = await authorize(emu.url, { scope: "admin" });
    expect(refused.searchParams.get("error")).toBe("invalid_scope");
    expect(refused.searchParams.get("iss")).toBe(emu.url);
  });

  it("goes authorize -> consent -> code -> tokens -> userinfo -> /users/me -> chat", async () => {
    const { verifier, challenge } = pkcePair();
    const start = await fetch(
      `${emu.url}/idp/authorize?${new URLSearchParams({
        response_type: "code",
        client_id: OAUTH_CLIENT.clientId,
        redirect_uri: REDIRECT_URI,
        scope: "openid profile chutes:invoke",
        state: "xyz",
        code_challenge: challenge,
        code_challenge_method: "S256",
      })}`,
      { redirect: "manual" },
    );
    expect(start.status).toBe(302);
    const consentUrl = new URL(start.headers.get("location") ?? "", emu.url);
    expect(consentUrl.pathname).toBe("/idp/authorize/consent");

    const page = await fetch(consentUrl);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("<title>Authorize Chutes Chat</title>");
    expect(html).toContain("chutes:invoke");
    expect(html).toMatch(/<button[^>]*name="action" value="allow"[^>]*>Allow<\/button>/);
    expect(html).toMatch(/<button[^>]*name="action" value="deny"[^>]*>Deny<\/button>/);
    const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1]?.replaceAll("&amp;", "&");
    expect(action).toBe(`${consentUrl.pathname}${consentUrl.search}`);

    const allowed = await postForm(new URL(action ?? "", emu.url).toString(), { action: "allow" });
    expect(allowed.status).toBe(302);
    const callback = new URL(allowed.headers.get("location") ?? "");
    expect(`${callback.origin}${callback.pathname}`).toBe(REDIRECT_URI);
    expect(callback.searchParams.get("state")).toBe("xyz");
    const code = callback.searchParams.get("code") ?? "";
    expect(code).toMatch(/^[A-Za-z0-9]{64}$/);

    const tokenResponse = await exchange({
      code,
      client_id: OAUTH_CLIENT.clientId,
      client_secret: OAUTH_CLIENT.clientSecret,
      code_verifier: verifier,
    });
    expect(tokenResponse.status).toBe(200);
    const tokens = (await tokenResponse.json()) as TokenResponse;
    expect(Object.keys(tokens).sort()).toEqual([
      "access_token",
      "expires_in",
      "refresh_token",
      "scope",
      "token_type",
    ]);
    expect(tokens).toMatchObject({
      token_type: "Bearer",
      expires_in: 3600,
      scope: "openid profile chutes:invoke",
    });
    expect(tokens.access_token).toMatch(ACCESS);
    expect(tokens.refresh_token).toMatch(REFRESH);

    const info = await userinfo(bearer(tokens.access_token));
    expect(info.status).toBe(200);
    expect(await info.json()).toEqual({ sub: alice.userId, username: "alice", created_at: alice.createdAt });

    const me = await usersMe(tokens.access_token);
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ username: "alice", balance: 12.5 });

    const answer = await chat(tokens.access_token);
    expect(answer.status).toBe(200);
    expect((await answer.json()).choices[0].message.content).toContain('You asked: "hi"');
    const embedding = await fetch(`${emu.url}/embed/v1/embeddings`, {
      method: "POST",
      headers: { "content-type": "application/json", ...bearer(tokens.access_token) },
      body: JSON.stringify({ model: "BAAI/bge-m3", input: "x" }),
    });
    expect(embedding.status).toBe(200);
    expect(emu.state()).toMatchObject({
      codesIssued: 1,
      codeExchanges: 1,
      tokensIssued: 1,
      refreshesPerformed: 0,
    });
  });

  it("uses each consent session and each code only once", async () => {
    const start = await fetch(
      `${emu.url}/idp/authorize?response_type=code&client_id=${OAUTH_CLIENT.clientId}&redirect_uri=${encodeURIComponent(REDIRECT_URI)}`,
      { redirect: "manual" },
    );
    const consentUrl = new URL(start.headers.get("location") ?? "", emu.url).toString();
    expect((await postForm(consentUrl, { action: "allow" })).status).toBe(302);
    const again = await postForm(consentUrl, { action: "allow" });
    expect(again.status).toBe(400);
    expect(again.headers.get("content-type")).toContain("text/html");

    const code = await codeFor();
    const body = { code, client_id: OAUTH_CLIENT.clientId, client_secret: OAUTH_CLIENT.clientSecret };
    expect((await exchange(body)).status).toBe(200);
    await expectOAuthError(await exchange(body), "invalid_grant");
  });

  it("redirects with access_denied when the user clicks Deny", async () => {
    const callback = await authorize(emu.url, { action: "deny", state: "s1" });
    expect(callback.search).toBe("?error=access_denied&error_description=User+denied+the+request&state=s1");
  });

  it("omits an empty state and defaults the scope to profile", async () => {
    const callback = await authorize(emu.url, { state: "", scope: null });
    expect(callback.searchParams.has("state")).toBe(false);
    const code = callback.searchParams.get("code") ?? "";
    const tokens = await (
      await exchange({ code, client_id: OAUTH_CLIENT.clientId, client_secret: OAUTH_CLIENT.clientSecret })
    ).json();
    expect(tokens.scope).toBe("profile");
    expect((await usersMe(tokens.access_token)).status).toBe(200);
    expect((await userinfo(bearer(tokens.access_token))).status).toBe(200);
    const forbidden = await chat(tokens.access_token);
    expect(forbidden.status).toBe(403);
    expect(await forbidden.json()).toEqual({ detail: "Token does not have permission for this resource" });
  });

  it("keeps scope rules: chutes:invoke alone cannot read the account or userinfo", async () => {
    const tokens = await signIn(emu.url, "chutes:invoke");
    expect((await chat(tokens.access_token)).status).toBe(200);
    const me = await usersMe(tokens.access_token);
    expect(me.status).toBe(403);
    expect(await me.json()).toEqual({ detail: "Token does not have permission for this resource" });
    const info = await userinfo(bearer(tokens.access_token));
    expect(info.status).toBe(403);
    expect(await info.json()).toEqual({
      detail: "Token does not have required scope (openid, profile, or account:read)",
    });
  });

  it("redirects invalid_scope for unknown and privileged scopes", async () => {
    const unknown = await authorize(emu.url, { scope: "openid bogus", state: "s" });
    expect(unknown.search).toBe("?error=invalid_scope&error_description=Unknown+scope%3A+bogus&state=s");
    const privileged = await authorize(emu.url, { scope: "openid admin" });
    expect(privileged.searchParams.get("error")).toBe("invalid_scope");
    expect(privileged.searchParams.get("error_description")).toBe(
      "Scope 'admin' requires explicit app registration",
    );
  });

  it("shows HTML 400 pages for a bad client, redirect URI, response type or PKCE method", async () => {
    const base = {
      response_type: "code",
      client_id: OAUTH_CLIENT.clientId,
      redirect_uri: REDIRECT_URI,
      state: "s",
    };
    const cases: Array<[Record<string, string>, string]> = [
      [{ redirect_uri: `${REDIRECT_URI}/` }, "invalid_redirect_uri"],
      [{ redirect_uri: "http://127.0.0.1:3001/api/auth/callback/chutes" }, "invalid_redirect_uri"],
      [{ client_id: "cid_unknownunknownunknown00" }, "invalid_client"],
      [{ response_type: "token" }, "unsupported_response_type"],
      [{ code_challenge: "abc" }, "invalid_request"],
      [{ code_challenge: "abc", code_challenge_method: "S512" }, "invalid_request"],
    ];
    for (const [override, error] of cases) {
      const response = await fetch(
        `${emu.url}/idp/authorize?${new URLSearchParams({ ...base, ...override })}`,
        {
          redirect: "manual",
        },
      );
      expect(response.status, error).toBe(400);
      expect(response.headers.get("content-type")).toContain("text/html");
      expect(response.headers.get("location")).toBeNull();
      expect(await response.text()).toContain(error);
    }
  });

  it("accepts redirect URIs changed with configure()", async () => {
    const custom = "http://127.0.0.1:4321/cb";
    emu.configure({ redirectUris: [custom] });
    const callback = await authorize(emu.url, { redirectUri: custom });
    expect(callback.searchParams.get("code")).toMatch(/^[A-Za-z0-9]{64}$/);
    const old = await fetch(
      `${emu.url}/idp/authorize?response_type=code&client_id=${OAUTH_CLIENT.clientId}&redirect_uri=${encodeURIComponent(REDIRECT_URI)}`,
      { redirect: "manual" },
    );
    expect(old.status).toBe(400);
  });
});

describe("token endpoint", () => {
  it("rejects a wrong PKCE verifier (and the code is then spent)", async () => {
    const { verifier, challenge } = pkcePair();
    const code = await codeFor({ challenge });
    await expectOAuthError(
      await exchange({ code, client_id: OAUTH_CLIENT.clientId, code_verifier: `${verifier}x` }),
      "invalid_grant",
    );
    await expectOAuthError(
      await exchange({ code, client_id: OAUTH_CLIENT.clientId, code_verifier: verifier }),
      "invalid_grant",
    );
  });

  it("does not check the secret when PKCE is used, even a wrong one", async () => {
    const { verifier, challenge } = pkcePair();
    const code = await codeFor({ challenge });
    const response = await exchange({
      code,
      client_id: OAUTH_CLIENT.clientId,
      client_secret: "csc_wrong",
      code_verifier: verifier,
    });
    expect(response.status).toBe(200);
  });

  it("supports the plain PKCE method", async () => {
    const code = await codeFor({
      challenge: "plain-verifier-0123456789-abcdefghijklmnopqrstuv",
      method: "plain",
    });
    const response = await exchange({
      code,
      client_id: OAUTH_CLIENT.clientId,
      code_verifier: "plain-verifier-0123456789-abcdefghijklmnopqrstuv",
    });
    expect(response.status).toBe(200);
  });

  it("requires the secret without PKCE, from the form or HTTP Basic", async () => {
    await expectOAuthError(
      await exchange({ code: await codeFor(), client_id: OAUTH_CLIENT.clientId }),
      "invalid_client",
    );
    const basic = `Basic ${Buffer.from(`${OAUTH_CLIENT.clientId}:${OAUTH_CLIENT.clientSecret}`).toString("base64")}`;
    const viaBasic = await exchange({ code: await codeFor() }, { authorization: basic });
    expect(viaBasic.status).toBe(200);
    // Form fields win over the Basic header.
    const wrongForm = await exchange(
      { code: await codeFor(), client_id: OAUTH_CLIENT.clientId, client_secret: "csc_wrong" },
      { authorization: basic },
    );
    await expectOAuthError(wrongForm, "invalid_client");
  });

  it("needs the same redirect_uri as the authorize request", async () => {
    const response = await postForm(tokenUrl(), {
      grant_type: "authorization_code",
      code: await codeFor(),
      redirect_uri: "http://localhost:3000/api/auth/callback/chutes",
      client_id: OAUTH_CLIENT.clientId,
      client_secret: OAUTH_CLIENT.clientSecret,
    });
    await expectOAuthError(response, "invalid_grant");
  });

  it("answers 400 for missing parameters and unknown grant types", async () => {
    const missing = await postForm(tokenUrl(), {
      grant_type: "authorization_code",
      client_id: OAUTH_CLIENT.clientId,
    });
    expect(missing.status).toBe(400);
    expect(await missing.json()).toEqual({
      error: "invalid_request",
      error_description: "Missing required parameters",
    });
    await expectOAuthError(await postForm(tokenUrl(), { grant_type: "password" }), "unsupported_grant_type");
  });

  it("answers a JSON body with FastAPI's 422", async () => {
    const response = await fetch(tokenUrl(), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        grant_type: "refresh_token",
        refresh_token: "crt_x",
        client_id: OAUTH_CLIENT.clientId,
      }),
    });
    expect(response.status).toBe(422);
    const body = await response.json();
    expect(Array.isArray(body.detail)).toBe(true);
    expect(body.detail[0]).toMatchObject({ type: "missing", loc: ["body", "grant_type"] });
  });

  it("rotates refresh tokens; the old one then gives invalid_grant", async () => {
    const first = await signIn(emu.url);
    const rotated = await refresh(emu.url, first.refresh_token);
    expect(rotated.status).toBe(200);
    const second = (await rotated.json()) as TokenResponse;
    expect(second.refresh_token).toMatch(REFRESH);
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expect(second.access_token).not.toBe(first.access_token);
    expect(second.scope).toBe("openid profile chutes:invoke");
    expect((await chat(second.access_token)).status).toBe(200);

    await expectOAuthError(await refresh(emu.url, first.refresh_token), "invalid_grant");
    expect((await refresh(emu.url, second.refresh_token)).status).toBe(200);
    expect(emu.state()).toMatchObject({ refreshesPerformed: 2, refreshFailures: 1, tokensIssued: 3 });
  });

  it("requires the client secret on refresh", async () => {
    const tokens = await signIn(emu.url);
    await expectOAuthError(await refresh(emu.url, tokens.refresh_token, false), "invalid_client");
    // The failed attempt did not spend the token.
    expect((await refresh(emu.url, tokens.refresh_token)).status).toBe(200);
  });

  it("expires access tokens after accessTokenTtlSeconds", async () => {
    emu.configure({ accessTokenTtlSeconds: 1 });
    const tokens = await signIn(emu.url);
    expect(tokens.expires_in).toBe(1);
    expect((await usersMe(tokens.access_token)).status).toBe(200);
    await sleep(1100);
    const me = await usersMe(tokens.access_token);
    expect(me.status).toBe(401);
    expect(await me.json()).toEqual({ detail: "Can't find a user with that api key in our db :(" });
    const answer = await chat(tokens.access_token);
    expect(answer.status).toBe(401);
    expect(await answer.json()).toEqual({ detail: "Authentication required." });
    const info = await userinfo(bearer(tokens.access_token));
    expect(await info.json()).toEqual({ detail: "Invalid or expired token" });
    const renewed = (await (await refresh(emu.url, tokens.refresh_token)).json()) as TokenResponse;
    expect((await usersMe(renewed.access_token)).status).toBe(200);
  });

  it("expires refresh tokens after refreshTokenTtlSeconds", async () => {
    emu.configure({ refreshTokenTtlSeconds: 1 });
    const tokens = await signIn(emu.url);
    await sleep(1100);
    await expectOAuthError(await refresh(emu.url, tokens.refresh_token), "invalid_grant");
  });
});

describe("userinfo, introspection and revocation", () => {
  it("userinfo needs a Bearer header and a live token", async () => {
    const tokens = await signIn(emu.url);
    const noBearer = await userinfo({ authorization: tokens.access_token });
    expect(noBearer.status).toBe(401);
    expect(await noBearer.json()).toEqual({ detail: "Missing or invalid authorization header" });
    const bad = await userinfo(bearer("cak_nope"));
    expect(bad.status).toBe(401);
    expect(await bad.json()).toEqual({ detail: "Invalid or expired token" });
  });

  it("introspects access and refresh tokens", async () => {
    const tokens = await signIn(emu.url);
    const access = await (
      await postForm(`${emu.url}/idp/token/introspect`, { token: tokens.access_token })
    ).json();
    expect(access).toMatchObject({
      active: true,
      token_type: "access_token",
      scope: "openid profile chutes:invoke",
      client_id: OAUTH_CLIENT.clientId,
      username: "alice",
      sub: alice.userId,
    });
    expect(access.exp - access.iat).toBe(3600);
    const refreshInfo = await (
      await postForm(`${emu.url}/idp/token/introspect`, { token: tokens.refresh_token })
    ).json();
    expect(refreshInfo).toMatchObject({ active: true, token_type: "refresh_token" });
    const unknown = await (
      await postForm(`${emu.url}/idp/token/introspect`, { token: "cak_unknown" })
    ).json();
    expect(unknown).toEqual({ active: false });
    const badClient = await postForm(`${emu.url}/idp/token/introspect`, {
      token: tokens.access_token,
      client_id: OAUTH_CLIENT.clientId,
      client_secret: "csc_wrong",
    });
    expect(badClient.status).toBe(401);
    expect(await badClient.json()).toEqual({ error: "invalid_client" });
  });

  it("revokes refresh and access tokens, always answering {revoked:true}", async () => {
    const tokens = await signIn(emu.url);
    const revoke = (token: string) => postForm(`${emu.url}/idp/token/revoke`, { token });
    const response = await revoke(tokens.refresh_token);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ revoked: true });
    await expectOAuthError(await refresh(emu.url, tokens.refresh_token), "invalid_grant");
    expect(
      (
        await postForm(`${emu.url}/idp/token/introspect`, { token: tokens.refresh_token }).then((r) =>
          r.json(),
        )
      ).active,
    ).toBe(false);

    expect((await revoke(tokens.access_token)).status).toBe(200);
    expect((await usersMe(tokens.access_token)).status).toBe(401);
    expect(await (await revoke("crt_never-issued")).json()).toEqual({ revoked: true });
    expect(emu.state()).toMatchObject({ revokeRequests: 3, revocations: 2 });
    expect(emu.requests({ path: "/idp/token/revoke" })[0]?.body).toEqual({ token: tokens.refresh_token });
  });

  it("checks client credentials on revoke when sent, and requires them when strict (RFC 7009)", async () => {
    const tokens = await signIn(emu.url);
    const revoke = (fields: Record<string, string>) =>
      postForm(`${emu.url}/idp/token/revoke`, { token: tokens.refresh_token, ...fields });
    const wrong = await revoke({ client_id: OAUTH_CLIENT.clientId, client_secret: "csc_wrong" });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toEqual({ error: "invalid_client" });
    emu.configure({ revokeRequiresClientAuth: true });
    expect((await revoke({})).status).toBe(401);
    const right = await revoke({
      client_id: OAUTH_CLIENT.clientId,
      client_secret: OAUTH_CLIENT.clientSecret,
    });
    expect(await right.json()).toEqual({ revoked: true });
    await expectOAuthError(await refresh(emu.url, tokens.refresh_token), "invalid_grant");
  });

  it("revoke-all kills every token of a user", async () => {
    const first = await signIn(emu.url);
    const second = await signIn(emu.url);
    const response = await fetch(`${emu.url}/_emulator/oauth/revoke-all`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: "alice" }),
    });
    expect(await response.json()).toEqual({ revoked: 4 });
    for (const tokens of [first, second]) {
      expect((await chat(tokens.access_token)).status).toBe(401);
      await expectOAuthError(await refresh(emu.url, tokens.refresh_token), "invalid_grant");
    }
    expect(emu.state()).toMatchObject({ activeAccessTokens: 0, activeRefreshTokens: 0, revocations: 4 });
  });

  it("signs in as another user when authorizeAs is changed (bob is broke)", async () => {
    emu.configure({ authorizeAs: "bob" });
    const tokens = await signIn(emu.url);
    expect(await (await userinfo(bearer(tokens.access_token))).json()).toMatchObject({ username: "bob" });
    expect((await chat(tokens.access_token)).status).toBe(402);
  });
});
