import type { Page } from "@playwright/test";
import { APP_URL } from "../../playwright.config.ts";
import { API_KEY_HEADER } from "../../src/lib/chutesAuth.ts";
import { expect, keys, test } from "./fixtures.ts";
import { SettingsDialog } from "./pages/SettingsDialog.ts";

// The page works under its strict CSP: a whole chat (setup, streaming answer with sources, settings)
// reports no CSP violation, and every answer carries the security headers.

async function recordCspViolations(page: Page): Promise<() => Promise<string[]>> {
  const console: string[] = [];
  page.on("console", (message) => {
    if (/Content Security Policy|Refused to (load|execute|apply|connect|frame)/i.test(message.text()))
      console.push(message.text());
  });
  // Init scripts are injected by the browser itself, so the CSP does not block this listener.
  await page.addInitScript(() => {
    const w = window as unknown as { __csp: string[] };
    w.__csp = [];
    document.addEventListener("securitypolicyviolation", (event) => {
      w.__csp.push(`${event.violatedDirective} ${event.blockedURI} ${event.sample}`);
    });
  });
  return async () => [
    ...console,
    ...(await page.evaluate(() => (window as unknown as { __csp: string[] }).__csp)),
  ];
}

test.describe("security headers and CSP", () => {
  test("a chat runs under the CSP without a single violation", async ({ setup, chat, page }) => {
    const violations = await recordCspViolations(page);
    const response = await page.goto("/");
    const csp = response?.headers()["content-security-policy"] ?? "";
    expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'/);
    expect(csp).not.toContain("unsafe-inline");
    expect(csp).not.toContain("unsafe-eval");

    // The theme script and Next's own inline scripts carry this response's nonce, and they ran.
    const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
    const scriptNonces = await page.evaluate(() =>
      [...document.querySelectorAll("script")].filter((s) => !s.src).map((s) => s.nonce),
    );
    expect(scriptNonces.length).toBeGreaterThan(0);
    expect(new Set(scriptNonces)).toEqual(new Set([nonce]));

    await setup.connectWithKey(keys.admin);
    await chat.send("Which embedding model does the knowledge base use?");
    await expect(chat.lastAnswer()).toContainText("embedding", { timeout: 15_000 });
    await new SettingsDialog(page).open();
    await page.getByRole("button", { name: "Close settings" }).click();
    await page.reload();
    await expect(chat.composer).toBeVisible();
    expect(await violations()).toEqual([]);
  });

  test("pages and API routes carry nosniff, referrer, permissions and framing headers", async ({ page }) => {
    const pageHeaders = (await page.request.get("/")).headers();
    const apiHeaders = (await page.request.get("/api/rag/status")).headers();
    const refused = await page.request.fetch("/api/chat", { method: "PUT" });
    for (const headers of [pageHeaders, apiHeaders, refused.headers()]) {
      expect(headers["x-content-type-options"]).toBe("nosniff");
      expect(headers["referrer-policy"]).toBe("strict-origin-when-cross-origin");
      expect(headers["permissions-policy"]).toContain("camera=()");
      expect(headers["x-frame-options"]).toBe("DENY");
      // Served over plain http here: no HSTS.
      expect(headers["strict-transport-security"]).toBeUndefined();
    }
    expect(pageHeaders["content-security-policy"]).toContain("frame-ancestors 'none'");
    expect(refused.status()).toBe(405);
    expect(refused.headers().allow).toBe("POST");
    expect((await refused.json()).error.code).toBe("method_not_allowed");
  });

  test("answers stream uncompressed, as no-transform asks of proxies, while pages are gzipped", async ({
    page,
  }) => {
    const compressed = await page.request.get("/", { headers: { "accept-encoding": "gzip" } });
    expect(compressed.headers()["content-encoding"]).toBe("gzip");
    const answer = await page.request.post("/api/chat", {
      headers: { "accept-encoding": "gzip", origin: APP_URL, [API_KEY_HEADER]: keys.admin },
      data: {
        model: "Qwen/Qwen3-32B",
        messages: [{ id: "u1", role: "user", parts: [{ type: "text", text: "Is the answer compressed?" }] }],
      },
    });
    expect(answer.status()).toBe(200);
    expect(answer.headers()["content-type"]).toBe("text/event-stream");
    expect(answer.headers()["cache-control"]).toBe("no-cache, no-transform");
    expect(answer.headers()["content-encoding"]).toBeUndefined();
    expect(await answer.text()).toContain('"type":"finish"');
  });

  test("Sign in with Chutes works under the CSP, and its session cookie is HttpOnly and SameSite=Lax", async ({
    setup,
    page,
  }) => {
    const violations = await recordCspViolations(page);
    await setup.connectWithChutes();
    expect(await violations()).toEqual([]);
    const session = (await page.context().cookies()).find((c) => c.name === "next-auth.session-token");
    expect(session).toMatchObject({ httpOnly: true, sameSite: "Lax", secure: false });
  });
});
