// @vitest-environment node
import { HttpResponse, http } from "msw";
import { setupServer } from "msw/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { refreshChutesTokens, revokeChutesToken } from "./chutesTokens.ts";

const IDP = "https://idp.chutes.test";
const settings = {
  CHUTES_IDP_URL: IDP,
  CHUTES_CLIENT_ID: "cid_abc",
  CHUTES_CLIENT_SECRET: "csc_secret",
  CHUTES_REQUEST_TIMEOUT_MS: 500,
};
const server = setupServer();
beforeAll(() => server.listen({ onUnhandledFrame: "error" }));
afterAll(() => server.close());

function tokenEndpoint(reply: () => Response | Promise<Response>) {
  server.use(http.post(`${IDP}/idp/token`, reply));
}

describe("refreshChutesTokens (protocol §1.5: every error is a 400 with an error field)", () => {
  it("returns the rotated pair with an absolute expiry", async () => {
    tokenEndpoint(() =>
      HttpResponse.json({
        access_token: "cak_a",
        refresh_token: "crt_b",
        expires_in: 3600,
        token_type: "Bearer",
      }),
    );
    const outcome = await refreshChutesTokens("crt_old", settings, fetch, () => 1_000);
    expect(outcome).toEqual({
      ok: true,
      tokens: { accessToken: "cak_a", refreshToken: "crt_b", expiresAt: 3_601_000 },
    });
  });

  it("keeps the old refresh token when the IDP sends none", async () => {
    tokenEndpoint(() => HttpResponse.json({ access_token: "cak_a", expires_in: 60 }));
    const outcome = await refreshChutesTokens("crt_old", settings);
    expect(outcome.ok && outcome.tokens.refreshToken).toBe("crt_old");
  });

  it.each([
    ["invalid_grant", "invalid_grant"],
    ["invalid_client", "invalid_client"],
    ["invalid_request", "unexpected"],
    ["unsupported_grant_type", "unexpected"],
  ] as const)("maps a 400 %s to %s", async (error, reason) => {
    tokenEndpoint(() => HttpResponse.json({ error }, { status: 400 }));
    expect(await refreshChutesTokens("crt_old", settings)).toEqual({ ok: false, reason });
  });

  it("treats a 5xx, a refused connection and a timeout as unreachable (the session is kept)", async () => {
    tokenEndpoint(() => HttpResponse.text("Bad Gateway", { status: 502 }));
    expect(await refreshChutesTokens("crt_old", settings)).toEqual({ ok: false, reason: "unreachable" });
    tokenEndpoint(() => HttpResponse.error());
    expect(await refreshChutesTokens("crt_old", settings)).toEqual({ ok: false, reason: "unreachable" });
    tokenEndpoint(async () => {
      await new Promise((r) => setTimeout(r, 2000));
      return HttpResponse.json({});
    });
    expect(await refreshChutesTokens("crt_old", settings)).toEqual({ ok: false, reason: "unreachable" });
  });

  it("rejects a success body without an access token", async () => {
    tokenEndpoint(() => HttpResponse.json({ token_type: "Bearer" }));
    expect(await refreshChutesTokens("crt_old", settings)).toEqual({ ok: false, reason: "unexpected" });
  });
});

describe("revokeChutesToken", () => {
  it("posts the token form-encoded with its type and the client's credentials (RFC 7009), and reports failure without throwing", async () => {
    let form: URLSearchParams | undefined;
    server.use(
      http.post(`${IDP}/idp/token/revoke`, async ({ request }) => {
        form = new URLSearchParams(await request.text());
        return HttpResponse.json({ revoked: true });
      }),
    );
    expect(await revokeChutesToken("crt_x", "refresh_token", settings)).toBe(true);
    expect(Object.fromEntries(form ?? [])).toEqual({
      token: "crt_x",
      token_type_hint: "refresh_token",
      client_id: "cid_abc",
      client_secret: "csc_secret",
    });
    server.use(http.post(`${IDP}/idp/token/revoke`, () => HttpResponse.error()));
    expect(await revokeChutesToken("crt_x", "refresh_token", settings)).toBe(false);
  });
});
