import "server-only";
import { type IncomingMessage, Server, type ServerResponse } from "node:http";
import type { TLSSocket } from "node:tls";
import { type AppConfig, getConfig } from "../config.ts";
import { appError, type ErrorCode, encodeAppError, errorTable } from "../errors.ts";
import { formatBytes } from "../http/formatBytes.ts";
import { checkApiRoute } from "./apiRoutes.ts";
import { authErrorTarget } from "./authErrorRedirect.ts";
import { baseSecurityHeaders, isHttps } from "./securityHeaders.ts";

// What must happen to an API request before any handler reads it, done at the HTTP server rather than
// in proxy.ts: Next builds a fetch Request and runs the proxy for every request it matches, about 2-3 ms
// of every chat's first token, and that Request cannot even carry TRACE or TRACK (they end as Next's
// 500). Here: the security headers on every API answer; the sign-in error on the OAuth callback sent to
// the setup screen; unknown method (JSON 405 with Allow), unknown API path (JSON 404), and a body
// announced larger than the route's cap (JSON 413), refused before the body is read. Pages go on to
// proxy.ts, which gives them their CSP nonce.

const UNREPRESENTABLE = new Set(["TRACE", "TRACK"]);

type GateDecision =
  | { answer: { status: number; headers: Record<string, string>; body: string } }
  | { through: Record<string, string> };

interface GateRequest {
  method: string;
  /** The request target as sent: path and query. */
  url: string;
  /** x-forwarded-proto, as sent. */
  forwardedProto?: string | undefined;
  contentLength?: string | undefined;
  /** The connection itself is TLS. */
  tls: boolean;
}

/** The gate's decision for one request: an answer of its own, or headers to add on the way through. */
function decide(request: GateRequest, config: AppConfig): GateDecision {
  const [path = "/"] = request.url.split("?");
  const method = request.method.toUpperCase();
  const isApi = path === "/api" || path.startsWith("/api/");
  const base = baseSecurityHeaders(isHttps(request.forwardedProto, request.tls, config));
  const json = (code: ErrorCode, headers: Record<string, string> = {}, message?: string) => ({
    answer: {
      status: errorTable[code].status,
      headers: { ...base, "content-type": "application/json", ...headers },
      body: encodeAppError(appError(code, message)),
    },
  });

  if (UNREPRESENTABLE.has(method)) {
    const verdict = isApi ? checkApiRoute(path, "GET") : { ok: true as const };
    const allow = verdict.ok ? "GET, HEAD" : verdict.status === 405 ? verdict.allow : "";
    return json("method_not_allowed", allow ? { allow } : {});
  }
  if (!isApi) return { through: {} };

  const authError = authErrorTarget(new URL(request.url, "http://gate.invalid"));
  // Relative, as Next sends a same-host redirect, so the browser keeps the host it used.
  if (authError) return { answer: { status: 307, headers: { ...base, location: authError }, body: "" } };

  const verdict = checkApiRoute(path, method);
  if (!verdict.ok && verdict.status === 404) return json("not_found");
  if (!verdict.ok) return json("method_not_allowed", { allow: verdict.allow });
  const cap = verdict.maxBodyBytes ?? config.MAX_BODY_BYTES;
  if (Number(request.contentLength ?? 0) > cap) {
    return json(
      "payload_too_large",
      { connection: "close" },
      `This request may be at most ${formatBytes(cap)}.`,
    );
  }
  return { through: base };
}

function gate(req: IncomingMessage, res: ServerResponse): boolean {
  const decision = decide(
    {
      method: req.method ?? "GET",
      url: req.url ?? "/",
      forwardedProto: req.headers["x-forwarded-proto"]?.toString(),
      contentLength: req.headers["content-length"],
      tls: (req.socket as TLSSocket).encrypted === true,
    },
    getConfig(),
  );
  if ("through" in decision) {
    for (const [name, value] of Object.entries(decision.through)) res.setHeader(name, value);
    return false;
  }
  const { status, headers, body } = decision.answer;
  res.writeHead(status, { ...headers, "content-length": Buffer.byteLength(body) });
  res.end(body);
  // The body is not read: drain what arrives so the connection can close cleanly.
  req.resume();
  return true;
}

let installed = false;

/** Puts the gate in front of every HTTP server of this process (Next's included); once. */
export function installHttpGate(): void {
  if (installed) return;
  installed = true;
  const emit = Server.prototype.emit;
  Server.prototype.emit = function gatedEmit(this: Server, event: string | symbol, ...args: unknown[]) {
    if (event === "request" && gate(...(args as [IncomingMessage, ServerResponse]))) return true;
    return emit.apply(this, [event, ...args] as Parameters<typeof emit>);
  } as typeof Server.prototype.emit;
}
