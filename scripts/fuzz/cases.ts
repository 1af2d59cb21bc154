// Random and malformed requests for `npm run fuzz`, from a seeded generator so a failure can be
// replayed with the same --seed. Each case is raw enough to go through node:http (any method
// token, any header bytes, chunked or sized bodies) rather than fetch, which refuses some of them.

import { ADMIN_KEY } from "../../tests/emulator/fixtures.ts";
import { rng } from "../../tests/support/rng.ts";

export interface FuzzCase {
  method: string;
  path: string;
  headers: Record<string, string>;
  /** undefined: no body; a string/Buffer is sent with Content-Length unless `chunked`. */
  body?: string | Buffer;
  chunked?: boolean;
  /** What the case is about, for the failure report. */
  label: string;
}

export const API_PATHS = [
  "/api/chat",
  "/api/models",
  "/api/rag/search",
  "/api/rag/status",
  "/api/auth/chutes/validate-key",
  "/api/auth/openrouter/validate-key",
  "/api/auth/session",
  "/api/auth/csrf",
  "/api/auth/providers",
  "/api/auth/signin",
  "/api/auth/signin/chutes",
  "/api/auth/callback/chutes",
  "/api/auth/signout",
  "/api/auth/error",
  "/api/auth/_log",
  "/api/admin/ingest",
];

const METHODS = [
  "GET",
  "POST",
  "POST",
  "POST",
  "PUT",
  "DELETE",
  "PATCH",
  "OPTIONS",
  "HEAD",
  "TRACE",
  "PROPFIND",
  "FOO",
];

const CONTENT_TYPES = [
  "application/json",
  "application/json",
  "application/json; charset=utf-8",
  "APPLICATION/JSON",
  "text/plain",
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=xyz",
  "multipart/form-data",
  "application/json; charset=utf-16",
  "application/octet-stream",
  "",
  "\u00e9/\u00e8",
];

const WEIRD_STRINGS = [
  "",
  " ",
  "\u0000",
  "\ud800",
  "\udfff\ud800",
  "😀".repeat(500),
  "‮evil",
  "a".repeat(100_000),
  "<script>alert(1)</script>",
  "../../etc/passwd",
  "%00%ff",
  "null",
  "{}",
  "\\u0000",
  "ﷺ".repeat(1000),
];

const WEIRD_VALUES: unknown[] = [
  null,
  true,
  0,
  -1,
  1e308,
  Number.MAX_SAFE_INTEGER,
  [],
  {},
  [[[]]],
  { __proto__: { polluted: true } },
  { constructor: { prototype: { polluted: true } } },
  "x",
];

/** encodeURIComponent, but surrogates (which it refuses when lone) become U+FFFD first. */
function encodeSegment(text: string): string {
  return encodeURIComponent(text.replace(/[\ud800-\udfff]/g, "\ufffd"));
}

export class CaseGenerator {
  private readonly random: () => number;

  constructor(seed: number) {
    this.random = rng(seed);
  }

  private pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)] as T;
  }

  private chance(p: number): boolean {
    return this.random() < p;
  }

  private weird(): unknown {
    return this.chance(0.5) ? this.pick(WEIRD_STRINGS) : this.pick(WEIRD_VALUES);
  }

  private path(): string {
    const r = this.random();
    if (r < 0.8) {
      const base = this.pick(API_PATHS);
      if (this.chance(0.1)) return `${base}/`;
      if (this.chance(0.1)) return `${base}?${this.query()}`;
      if (this.chance(0.05))
        return `${base}/${encodeSegment(String(this.pick(WEIRD_STRINGS)).slice(0, 300))}`;
      return base;
    }
    if (r < 0.9) return `/api/${encodeSegment(String(this.pick(WEIRD_STRINGS)).slice(0, 200)) || "x"}`;
    return this.pick([
      "/",
      "/?error=OAuthCallback",
      "/?error=%3Cx%3E",
      "/nope",
      "/%2e%2e/",
      "/_next/nope",
      "/api",
    ]);
  }

  private query(): string {
    return this.pick([
      "error=access_denied",
      "error=OAuthCallback",
      "code=abc&state=def",
      "code=&state=",
      `q=${"x".repeat(4000)}`,
      "a=%ZZ",
      "callbackUrl=https://evil.example",
      "error=%00",
    ]);
  }

  private headers(): Record<string, string> {
    const headers: Record<string, string> = {};
    if (this.chance(0.8)) headers["content-type"] = this.pick(CONTENT_TYPES);
    if (this.chance(0.3))
      headers.origin = this.pick(["http://evil.example", "null", "not a url", "http://127.0.0.1"]);
    if (this.chance(0.1)) headers["sec-fetch-site"] = this.pick(["cross-site", "same-origin", "none", "???"]);
    if (this.chance(0.25))
      headers["x-chutes-api-key"] = this.pick([
        "cpk_short",
        `${ADMIN_KEY}x`,
        `cpk_${"a".repeat(3000)}`,
        "Bearer cpk_x",
        "ünïcödé",
        "",
      ]);
    if (this.chance(0.1))
      headers["x-openrouter-api-key"] = this.pick(["sk-or-v1-xyz", `sk-or-v1-${"f".repeat(64)}`, ""]);
    if (this.chance(0.1)) headers["x-chat-provider"] = this.pick(["openrouter", "chutes", "other", ""]);
    if (this.chance(0.1))
      headers.cookie = this.pick([
        "next-auth.session-token=garbage",
        `next-auth.session-token=${"A".repeat(4000)}`,
        "next-auth.csrf-token=x%7Cy; next-auth.state=z",
        "=; ;;==",
      ]);
    if (this.chance(0.05)) headers["x-forwarded-proto"] = this.pick(["https", "gopher", ""]);
    if (this.chance(0.05)) headers["x-forwarded-host"] = this.pick(["evil.example", "", "a".repeat(500)]);
    if (this.chance(0.04)) headers["x-huge"] = "h".repeat(this.pick([4_000, 10_000, 14_000]));
    if (this.chance(0.03))
      headers.accept = this.pick(["text/event-stream", "*/*", "application/xml", "\u00ff"]);
    return headers;
  }

  private chatBody(): unknown {
    const message = { id: "m1", role: "user", parts: [{ type: "text", text: "hello" }] };
    switch (Math.floor(this.random() * 10)) {
      case 0:
        return { messages: [message], model: "deepseek-ai/DeepSeek-V3.2-TEE" };
      case 1:
        return { messages: this.weird(), model: this.weird() };
      case 2:
        return { messages: [{ ...message, role: this.weird() }], model: "m" };
      case 3:
        return { messages: [{ ...message, parts: this.weird() }], model: "m" };
      case 4:
        return { messages: Array.from({ length: 2000 }, () => message), model: "m" };
      case 5:
        return {
          messages: [{ ...message, parts: [{ type: "text", text: this.pick(WEIRD_STRINGS) }] }],
          model: "m",
        };
      case 6:
        return { messages: [message], model: "a".repeat(500), extra: this.weird() };
      case 7:
        return { query: this.weird(), k: this.weird() };
      case 8:
        return { apiKey: this.weird() };
      default:
        return this.weird();
    }
  }

  private deepJson(depth: number): string {
    return "[".repeat(depth) + "]".repeat(depth);
  }

  private body(): { body?: string | Buffer; chunked?: boolean; label: string } {
    const r = Math.floor(this.random() * 14);
    switch (r) {
      case 0:
        return { label: "no body" };
      case 1:
        return { body: "{", label: "broken JSON" };
      case 2:
        return {
          body: '{"messages":[{"id":"x","role":"user","parts":[{"type":"text","text":"hi"}]}],"model":',
          label: "truncated JSON",
        };
      case 3:
        return { body: this.deepJson(this.pick([1_000, 10_000, 100_000])), label: "deep JSON" };
      case 4:
        return {
          body: `{"messages":${"[".repeat(5000)}${"]".repeat(5000)},"model":"m"}`,
          label: "deep messages",
        };
      case 5:
        return {
          body: JSON.stringify({
            messages: [
              {
                id: "x",
                role: "user",
                parts: [{ type: "text", text: "x".repeat(this.pick([500_000, 2_000_000])) }],
              },
            ],
            model: "m",
          }),
          label: "large JSON",
        };
      case 6:
        return {
          body: "x".repeat(this.pick([2_000_000, 3_000_000])),
          chunked: true,
          label: "large chunked body",
        };
      case 7:
        return { body: Buffer.from([0xff, 0xfe, 0x00, 0xc3, 0x28, 0xa0, 0xa1]), label: "invalid UTF-8" };
      case 8:
        return { body: "a=1&b=2&apiKey=cpk_x", label: "form body" };
      case 9:
        return {
          body: '--xyz\r\nContent-Disposition: form-data; name="f"\r\n\r\nv\r\n--xyz--\r\n',
          label: "multipart body",
        };
      default:
        return {
          body: JSON.stringify(this.chatBody()),
          chunked: this.chance(0.2),
          label: "JSON of wrong shape",
        };
    }
  }

  next(): FuzzCase {
    const method = this.pick(METHODS);
    const path = this.path();
    const headers = this.headers();
    const withBody = method !== "GET" && method !== "HEAD" ? this.body() : { label: "no body" };
    return { method, path, headers, ...withBody, label: `${method} ${withBody.label}` };
  }
}
