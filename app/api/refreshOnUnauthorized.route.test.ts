// @vitest-environment node
import { NextRequest } from "next/server";
import { describe, expect, it } from "vitest";
import { emulatorAppEnv } from "@/tests/emulator/appEnv.ts";
import { withAppEmulator } from "@/tests/support/appEmulator.ts";
import { SESSION_SECRET, signedInSession } from "@/tests/support/oauthSession.ts";
import { POST as chatRoute } from "./chat/route.ts";
import { GET as modelsRoute } from "./models/route.ts";
import { POST as searchRoute } from "./rag/search/route.ts";

// Chutes can refuse an OAuth access token before its expiry (revoked, rotated elsewhere). Every
// route that spends the credential then refreshes the session once, retries with the new token,
// and hands the rotated cookie back, so the user never sees the hiccup.

const emulator = withAppEmulator({
  ingestDocs: true,
  env: (url) => ({
    ...emulatorAppEnv(url, { appUrl: "http://localhost:3000" }),
    NEXTAUTH_SECRET: SESSION_SECRET,
  }),
});

function request(path: string, cookie: string, body?: unknown): NextRequest {
  return new NextRequest(`http://localhost:3000${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: {
      host: "localhost:3000",
      origin: "http://localhost:3000",
      cookie,
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

const cases = [
  {
    route: "chat",
    match: "chat" as const,
    call: (cookie: string) =>
      chatRoute(
        request("/api/chat", cookie, {
          model: "deepseek-ai/DeepSeek-V3.2-TEE",
          messages: [{ id: "u1", role: "user", parts: [{ type: "text", text: "Hello there" }] }],
        }),
      ),
    upstream: "/llm/v1/chat/completions",
  },
  {
    route: "models",
    match: "models" as const,
    call: (cookie: string) => modelsRoute(request("/api/models", cookie)),
    upstream: "/llm/v1/models",
  },
  {
    route: "knowledge search",
    match: "embeddings" as const,
    call: (cookie: string) =>
      searchRoute(
        request("/api/rag/search", cookie, { query: "Which embedding model does the knowledge base use?" }),
      ),
    upstream: "/embed/v1/embeddings",
  },
];

describe.each(cases)("$route with a token Chutes refuses early", ({ match, call, upstream }) => {
  it("refreshes once, retries with the new token and sends the rotated cookie back", async () => {
    const session = await signedInSession(emulator.url);
    const signInTokenCalls = emulator.requests({ path: "/idp/token" }).length;
    emulator.inject({ failure: "unauthorized", match: { path: match }, times: 1 });

    const response = await call(session.cookie);
    expect(response.status).toBe(200);
    const body = await response.text();
    expect(body).not.toContain(session.accessToken);
    expect(body).not.toContain(session.refreshToken);
    if (match === "embeddings") expect(JSON.parse(body).retrieval).toEqual({ mode: "hybrid" });

    expect(emulator.requests({ path: "/idp/token" }).length - signInTokenCalls).toBe(1);
    const calls = emulator.requests({ path: upstream });
    expect(calls).toHaveLength(2);
    expect(calls[0]?.headers.authorization).toBe(`Bearer ${session.accessToken}`);
    expect(calls[1]?.headers.authorization).toMatch(/^Bearer /);
    expect(calls[1]?.headers.authorization).not.toBe(calls[0]?.headers.authorization);
    // The refresh rotated the refresh token: without the new cookie the next request would fail.
    expect(response.headers.get("set-cookie")).toMatch(
      /^next-auth\.session-token=.+; Path=\/; HttpOnly; SameSite=Lax/,
    );
  });

  it("says the session ended when the refresh is refused too", async () => {
    const session = await signedInSession(emulator.url);
    emulator.revokeAllTokens("alice");
    const response = await call(session.cookie);
    if (match === "embeddings") {
      // The search still answers, by text, and says why.
      expect(response.status).toBe(200);
      expect((await response.json()).retrieval).toEqual({
        mode: "text-only",
        degradedReason: "session_expired",
      });
    } else {
      expect(response.status).toBe(401);
      expect((await response.json()).error.code).toBe("session_expired");
    }
    expect(response.headers.get("set-cookie")).toMatch(/^next-auth\.session-token=/);
  });
});
