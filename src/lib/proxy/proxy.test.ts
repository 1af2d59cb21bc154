// @vitest-environment node
import { NextRequest } from "next/server";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { proxy, config as proxyConfig } from "@/proxy.ts";
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

  it("sets nosniff, referrer, permissions and framing headers on a page, and no HSTS over http", () => {
    const response = call("/");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
    expect(response.headers.get("permissions-policy")).toMatch(
      /camera=\(\), microphone=\(\), geolocation=\(\)/,
    );
    expect(response.headers.get("x-frame-options")).toBe("DENY");
    expect(response.headers.get("strict-transport-security")).toBeNull();
  });

  it("adds HSTS and upgrade-insecure-requests on https (public URL or forwarded proto)", () => {
    const forwarded = call("/", { headers: { "x-forwarded-proto": "https" } });
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

  it("runs for pages and never for the API, whose requests the HTTP gate handles", () => {
    // Next's matcher is a path-to-regexp pattern; this one is a plain regular expression as well.
    const matcher = new RegExp(`^${proxyConfig.matcher[0]}$`);
    for (const page of ["/", "/apiary", "/manifest.webmanifest"]) expect(matcher.test(page), page).toBe(true);
    for (const api of ["/api", "/api/chat", "/api/auth/callback/chutes", "/_next/static/x.js"])
      expect(matcher.test(api), api).toBe(false);
  });
});

describe("proxy: sign-in errors", () => {
  it("turns next-auth's own ?error= on the page into ?authError=, and drops anything unsafe", () => {
    expect(call("/?error=OAuthCallback").headers.get("location")).toMatch(/\/\?authError=OAuthCallback$/);
    expect(call("/?error=%3Cscript%3E").headers.get("location")).toMatch(/\/\?authError=oauth_error$/);
  });
});
