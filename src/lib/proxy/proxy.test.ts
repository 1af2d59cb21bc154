// @vitest-environment node
import { NextRequest } from "next/server";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { proxy } from "@/proxy.ts";
import { resetConfigForTests } from "@/src/lib/config.ts";

const ORIGIN = "http://127.0.0.1:3000";

function call(path: string, init: { method?: string; headers?: Record<string, string> } = {}) {
  return proxy(new NextRequest(`${ORIGIN}${path}`, init));
}

function cspOf(response: Response): Map<string, string> {
  const csp = response.headers.get("content-security-policy") ?? "";
  return new Map(
    csp.split(";").map((d) => {
      const [name = "", ...rest] = d.trim().split(/\s+/);
      return [name, rest.join(" ")];
    }),
  );
}

beforeEach(() => {
  vi.unstubAllEnvs();
  resetConfigForTests();
});
afterEach(() => {
  vi.unstubAllEnvs();
  resetConfigForTests();
});

describe("proxy: security headers", () => {
  it("gives the page a strict CSP with a fresh nonce, and hands the nonce to the renderer", async () => {
    const first = call("/");
    const second = call("/");
    const csp = cspOf(first);
    const nonce = /'nonce-([^']+)'/.exec(csp.get("script-src") ?? "")?.[1];
    expect(nonce).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    expect(cspOf(second).get("script-src")).not.toContain(nonce);
    expect(csp.get("script-src")).toBe(`'self' 'nonce-${nonce}' 'strict-dynamic'`);
    expect(csp.get("script-src")).not.toMatch(/unsafe-inline|unsafe-eval/);
    expect(csp.get("style-src")).toBe(`'self' 'nonce-${nonce}'`);
    expect(csp.get("default-src")).toBe("'self'");
    expect(csp.get("img-src")).toBe("'self' data: blob:");
    expect(csp.get("connect-src")).toBe("'self'");
    expect(csp.get("object-src")).toBe("'none'");
    expect(csp.get("frame-ancestors")).toBe("'none'");
    expect(csp.get("base-uri")).toBe("'self'");
    expect(csp.get("form-action")).toBe("'self'");
    // Plain http: upgrading would break a LAN deployment.
    expect(csp.has("upgrade-insecure-requests")).toBe(false);
    // Next reads the nonce from the request's CSP; the layout reads x-nonce.
    expect(first.headers.get("x-middleware-request-x-nonce")).toBe(nonce);
    expect(first.headers.get("x-middleware-request-content-security-policy")).toBe(
      first.headers.get("content-security-policy"),
    );
  });

  it("allows the operator's image hosts and nothing else", () => {
    vi.stubEnv("CSP_IMG_SRC", "https://img.example.com https://cdn.example.org:8443");
    expect(cspOf(call("/")).get("img-src")).toBe(
      "'self' data: blob: https://img.example.com https://cdn.example.org:8443",
    );
  });

  for (const path of ["/", "/api/rag/status", "/api/chat"]) {
    it(`sets nosniff, referrer, permissions and framing headers on ${path}, and no HSTS over http`, () => {
      const response = call(path, { method: path === "/api/chat" ? "POST" : "GET" });
      expect(response.headers.get("x-content-type-options")).toBe("nosniff");
      expect(response.headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
      expect(response.headers.get("permissions-policy")).toMatch(
        /camera=\(\), microphone=\(\), geolocation=\(\)/,
      );
      expect(response.headers.get("x-frame-options")).toBe("DENY");
      expect(response.headers.get("strict-transport-security")).toBeNull();
    });
  }

  it("adds HSTS and upgrade-insecure-requests on https (public URL or forwarded proto)", () => {
    const forwarded = call("/api/rag/status", { headers: { "x-forwarded-proto": "https" } });
    expect(forwarded.headers.get("strict-transport-security")).toBe("max-age=63072000; includeSubDomains");
    vi.stubEnv("NEXTAUTH_URL", "https://chat.example.com");
    resetConfigForTests();
    const page = call("/");
    expect(page.headers.get("strict-transport-security")).toMatch(/^max-age=/);
    expect(cspOf(page).has("upgrade-insecure-requests")).toBe(true);
  });

  it("allows 'unsafe-eval' only in development", () => {
    vi.stubEnv("NODE_ENV", "development");
    expect(cspOf(call("/")).get("script-src")).toContain("'unsafe-eval'");
    vi.stubEnv("NODE_ENV", "production");
    expect(cspOf(call("/")).get("script-src")).not.toContain("'unsafe-eval'");
  });

  it("gives API routes no page CSP and does not touch their request headers", () => {
    const response = call("/api/models");
    expect(response.headers.get("content-security-policy")).toBeNull();
    expect(response.headers.get("x-middleware-next")).toBe("1");
    expect(response.headers.get("x-middleware-request-x-nonce")).toBeNull();
  });
});

describe("proxy: methods, paths and body size", () => {
  const cases: [string, string, string][] = [
    ["PROPFIND", "/api/chat", "POST"],
    ["PUT", "/api/chat", "POST"],
    ["GET", "/api/chat", "POST"],
    ["DELETE", "/api/models", "GET"],
    ["HEAD", "/api/models", "GET"],
    ["OPTIONS", "/api/rag/search", "POST"],
    ["PATCH", "/api/rag/status", "GET, HEAD"],
    ["HEAD", "/api/auth/session", "GET, POST"],
    ["PUT", "/api/auth/callback/chutes", "GET, POST"],
    ["HEAD", "/api/auth/signin", "GET"],
    ["POST", "/api/auth/error", "GET"],
    ["DELETE", "/api/auth/chutes/validate-key", "POST"],
  ];
  for (const [method, path, allow] of cases) {
    it(`answers ${method} ${path} with a JSON 405 and Allow: ${allow}`, async () => {
      const response = call(path, { method });
      expect(response.status).toBe(405);
      expect(response.headers.get("allow")).toBe(allow);
      expect(response.headers.get("x-content-type-options")).toBe("nosniff");
      expect(await response.json()).toEqual({
        error: { code: "method_not_allowed", message: "This API route does not accept that HTTP method." },
      });
    });
  }

  it("lets allowed methods through, HEAD included where GET is cheap", () => {
    for (const [method, path] of [
      ["POST", "/api/chat"],
      ["GET", "/api/models"],
      ["HEAD", "/api/rag/status"],
      ["GET", "/api/auth/session"],
      ["POST", "/api/auth/callback/chutes"],
      ["POST", "/api/auth/signout"],
    ] as const) {
      expect(call(path, { method }).headers.get("x-middleware-next"), `${method} ${path}`).toBe("1");
    }
  });

  it("answers an API path we do not serve with a JSON 404, next-auth's unknown actions included", async () => {
    for (const path of ["/api/nope", "/api", "/api/auth/whatever", "/api/chat/extra"]) {
      const response = call(path);
      expect(response.status, path).toBe(404);
      expect((await response.json()).error.code).toBe("not_found");
    }
  });

  it("refuses a body announced larger than the route's cap with a JSON 413, before reading it", async () => {
    const big = call("/api/chat", {
      method: "POST",
      headers: { "content-length": String(31 * 1024 * 1024 + 1) },
    });
    expect(big.status).toBe(413);
    expect((await big.json()).error).toMatchObject({ code: "payload_too_large", message: /at most 31 MiB/ });
    const fits = call("/api/chat", {
      method: "POST",
      headers: { "content-length": String(31 * 1024 * 1024) },
    });
    expect(fits.headers.get("x-middleware-next")).toBe("1");
    const search = call("/api/rag/search", {
      method: "POST",
      headers: { "content-length": String(16 * 1024 + 1) },
    });
    expect(search.status).toBe(413);
    // Routes without a cap of their own (next-auth's) get MAX_BODY_BYTES.
    vi.stubEnv("MAX_BODY_BYTES", "2048");
    resetConfigForTests();
    const signOut = call("/api/auth/signout", { method: "POST", headers: { "content-length": "2049" } });
    expect(signOut.status).toBe(413);
  });
});

describe("proxy: sign-in errors", () => {
  it("turns the IdP's error on the callback into ?authError= for the setup screen", () => {
    const response = call("/api/auth/callback/chutes?error=access_denied&state=x");
    expect(response.status).toBe(307);
    expect(response.headers.get("location")).toMatch(/\/\?authError=access_denied$/);
  });

  it("turns next-auth's own ?error= on the page into ?authError=, and drops anything unsafe", () => {
    expect(call("/?error=OAuthCallback").headers.get("location")).toMatch(/\/\?authError=OAuthCallback$/);
    expect(call("/?error=%3Cscript%3E").headers.get("location")).toMatch(/\/\?authError=oauth_error$/);
  });
});
