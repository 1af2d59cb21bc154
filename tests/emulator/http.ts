// Small HTTP helpers: body reading/parsing and FastAPI-shaped responses.
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from "node:http";

// Roomy enough for a conversation's inlined images, as the real gateway is.
const MAX_BODY_BYTES = 64 * 1024 * 1024;

export type ParsedBody = {
  raw: string;
  /** JSON value, form-fields object, raw string, or null when the body is empty. */
  value: unknown;
  kind: "empty" | "json" | "form" | "text" | "invalid_json";
};

export async function readBody(req: IncomingMessage): Promise<ParsedBody> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > MAX_BODY_BYTES) throw new Error("request body too large");
    chunks.push(buf);
  }
  const raw = Buffer.concat(chunks).toString("utf8");
  if (raw.length === 0) return { raw, value: null, kind: "empty" };
  const type = (req.headers["content-type"] ?? "").toLowerCase();
  if (type.includes("application/x-www-form-urlencoded")) {
    return { raw, value: Object.fromEntries(new URLSearchParams(raw)), kind: "form" };
  }
  if (type.includes("json") || type === "") {
    try {
      return { raw, value: JSON.parse(raw) as unknown, kind: "json" };
    } catch {
      return { raw, value: raw, kind: type === "" ? "text" : "invalid_json" };
    }
  }
  return { raw, value: raw, kind: "text" };
}

// Responses whose error detail must repeat the caller's token (InjectionRule.echoCredential).
const echoedTokens = new WeakMap<ServerResponse, string>();

/** Makes the error `detail` sent on `res` carry the bearer token of `authorization`, if any. */
export function echoCredentialIn(res: ServerResponse, authorization: string | undefined): void {
  const token = authorization?.replace(/^Bearer\s+/i, "");
  if (token) echoedTokens.set(res, token);
}

function withEchoedToken(body: unknown, token: string | undefined): unknown {
  if (token === undefined || !isRecord(body) || !("detail" in body)) return body;
  const { detail } = body;
  if (typeof detail === "string") return { ...body, detail: `${detail} (credential ${token})` };
  if (isRecord(detail) && typeof detail.message === "string") {
    return { ...body, detail: { ...detail, message: `${detail.message} (credential ${token})` } };
  }
  return body;
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: OutgoingHttpHeaders = {},
): void {
  if (res.destroyed) return;
  const payload = JSON.stringify(withEchoedToken(body, echoedTokens.get(res)));
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(payload),
    ...headers,
  });
  res.end(payload);
}

/** FastAPI's error shape: `{"detail": <string | object>}`. */
export function sendDetail(
  res: ServerResponse,
  status: number,
  detail: unknown,
  headers?: OutgoingHttpHeaders,
): void {
  sendJson(res, status, { detail }, headers);
}

export function sendHtml(
  res: ServerResponse,
  status: number,
  html: string,
  headers: OutgoingHttpHeaders = {},
): void {
  if (res.destroyed) return;
  res.writeHead(status, {
    "content-type": "text/html; charset=utf-8",
    "content-length": Buffer.byteLength(html),
    ...headers,
  });
  res.end(html);
}

export function redirect(res: ServerResponse, location: string): void {
  if (res.destroyed) return;
  res.writeHead(302, { location, "content-length": 0 });
  res.end();
}

/** FastAPI's 422 body for missing required fields. */
export function missingFields(location: "body" | "query", names: string[]) {
  return names.map((name) => ({
    type: "missing",
    loc: [location, name],
    msg: "Field required",
    input: null,
  }));
}

export function escapeHtml(text: string): string {
  return text
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}

/** Python's str(float): 0 -> "0.0", 12.5 -> "12.5" (the 402 message prints the balance this way). */
export function pyFloat(n: number): string {
  return Number.isInteger(n) ? n.toFixed(1) : String(n);
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Sleeps, but resolves `false` early if the response is closed first (client went away). */
export function sleepUnlessClosed(res: ServerResponse, ms: number): Promise<boolean> {
  if (res.destroyed) return Promise.resolve(false);
  if (ms <= 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    const onClose = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      res.off("close", onClose);
      resolve(true);
    }, ms);
    res.once("close", onClose);
  });
}
