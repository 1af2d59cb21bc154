// @vitest-environment node
import { createServer, type Server } from "node:http";
import { connect } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { resetConfigForTests } from "../config.ts";
import { installHttpGate } from "./httpGate.ts";

// The gate in front of a real HTTP server, as Next's is in production: API requests get their security
// headers and refusals before any handler reads them; pages and allowed API requests reach the app.

let server: Server;
let origin = "";
beforeAll(async () => {
  installHttpGate();
  server = createServer((req, res) => {
    req.resume();
    res.end("reached the app");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
afterEach(() => {
  vi.unstubAllEnvs();
  resetConfigForTests();
});

/** A request written by hand: methods fetch cannot send, and body sizes announced but not sent. */
function raw(request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const { port } = new URL(origin);
    const socket = connect(Number(port), "127.0.0.1", () => socket.write(request));
    let answer = "";
    socket.on("data", (d) => {
      answer += d.toString();
    });
    socket.on("end", () => resolve(answer));
    socket.on("error", reject);
  });
}
const call = (path: string, init?: RequestInit) => fetch(`${origin}${path}`, { redirect: "manual", ...init });

describe("HTTP gate: headers", () => {
  for (const [method, path] of [
    ["GET", "/api/rag/status"],
    ["POST", "/api/chat"],
    ["GET", "/api/nope"],
  ] as const) {
    it(`sets nosniff, referrer, permissions and framing headers on ${method} ${path}, no HSTS over http`, async () => {
      const response = await call(path, { method, ...(method === "POST" ? { body: "{}" } : {}) });
      expect(response.headers.get("x-content-type-options")).toBe("nosniff");
      expect(response.headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
      expect(response.headers.get("permissions-policy")).toMatch(/camera=\(\), microphone=\(\)/);
      expect(response.headers.get("x-frame-options")).toBe("DENY");
      expect(response.headers.get("strict-transport-security")).toBeNull();
    });
  }

  it("adds HSTS behind an https proxy or with an https public URL, and no page CSP", async () => {
    const forwarded = await call("/api/rag/status", { headers: { "x-forwarded-proto": "https" } });
    expect(forwarded.headers.get("strict-transport-security")).toBe("max-age=63072000; includeSubDomains");
    expect(forwarded.headers.get("content-security-policy")).toBeNull();
    vi.stubEnv("NEXTAUTH_URL", "https://chat.example.com");
    resetConfigForTests();
    expect((await call("/api/health")).headers.get("strict-transport-security")).toMatch(/^max-age=/);
  });

  it("leaves pages to proxy.ts (their CSP needs Next's request)", async () => {
    const page = await call("/");
    expect(await page.text()).toBe("reached the app");
    expect(page.headers.get("x-content-type-options")).toBeNull();
  });
});

describe("HTTP gate: methods, paths and body size", () => {
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
      const response = await call(path, { method });
      expect(response.status).toBe(405);
      expect(response.headers.get("allow")).toBe(allow);
      expect(response.headers.get("x-content-type-options")).toBe("nosniff");
      if (method !== "HEAD")
        expect(await response.json()).toEqual({
          error: { code: "method_not_allowed", message: "This API route does not accept that HTTP method." },
        });
    });
  }

  it("answers TRACE with a JSON 405: the route's Allow on the API, GET, HEAD on a page", async () => {
    const api = await raw("TRACE /api/chat HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    expect(api).toMatch(/^HTTP\/1\.1 405 /);
    expect(api).toMatch(/\r\nallow: POST\r\n/i);
    expect(api).toMatch(/\r\nx-content-type-options: nosniff\r\n/i);
    expect(api).toContain('{"error":{"code":"method_not_allowed"');
    const page = await raw("TRACE / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    expect(page).toMatch(/\r\nallow: GET, HEAD\r\n/i);
  });

  it("lets allowed methods through, HEAD included where GET is cheap", async () => {
    for (const [method, path] of [
      ["POST", "/api/chat"],
      ["GET", "/api/models"],
      ["HEAD", "/api/rag/status"],
      ["GET", "/api/auth/session"],
      ["POST", "/api/auth/callback/chutes"],
      ["POST", "/api/auth/signout"],
    ] as const) {
      const response = await call(path, { method, ...(method === "POST" ? { body: "{}" } : {}) });
      expect(response.status, `${method} ${path}`).toBe(200);
      if (method !== "HEAD") expect(await response.text()).toBe("reached the app");
    }
  });

  it("answers an API path we do not serve with a JSON 404, next-auth's unknown actions included", async () => {
    for (const path of ["/api/nope", "/api", "/api/auth/whatever", "/api/chat/extra"]) {
      const response = await call(path);
      expect(response.status, path).toBe(404);
      expect((await response.json()).error.code).toBe("not_found");
    }
  });

  it("refuses a body announced larger than the route's cap with a JSON 413, before reading it", async () => {
    const announce = (path: string, bytes: number) =>
      raw(`POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Length: ${bytes}\r\nConnection: close\r\n\r\n`);
    const big = await announce("/api/chat", 31 * 1024 * 1024 + 1);
    expect(big).toMatch(/^HTTP\/1\.1 413 /);
    expect(big).toMatch(/"code":"payload_too_large","message":"[^"]*at most 31 MiB/);
    expect(await announce("/api/rag/search", 16 * 1024 + 1)).toMatch(/^HTTP\/1\.1 413 /);
    // Routes without a cap of their own (next-auth's) get MAX_BODY_BYTES.
    vi.stubEnv("MAX_BODY_BYTES", "2048");
    resetConfigForTests();
    expect(await announce("/api/auth/signout", 2049)).toMatch(/^HTTP\/1\.1 413 /);
    const fits = await call("/api/auth/signout", { method: "POST", body: "x".repeat(2048) });
    expect(await fits.text()).toBe("reached the app");
  });

  it("sends the IdP's error on the OAuth callback to the setup screen as ?authError=", async () => {
    const response = await call("/api/auth/callback/chutes?error=access_denied&state=x");
    expect(response.status).toBe(307);
    expect(response.headers.get("location")).toBe("/?authError=access_denied");
    const unsafe = await call("/api/auth/callback/chutes?error=%3Cscript%3E");
    expect(unsafe.headers.get("location")).toBe("/?authError=oauth_error");
  });
});
