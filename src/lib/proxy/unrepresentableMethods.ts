import "server-only";
import { Server } from "node:http";
import { appError, encodeAppError } from "../errors.ts";
import { checkApiRoute } from "./apiRoutes.ts";
import { baseSecurityHeaders } from "./securityHeaders.ts";

// Fetch's Request cannot carry TRACE or TRACK (they are forbidden methods), and Next builds one for
// proxy.ts before any code of ours runs, so such a request ends as Next's 500. Answer it at the
// HTTP server instead, with the same JSON 405 the proxy gives every other unsupported method.

const UNREPRESENTABLE = new Set(["TRACE", "TRACK"]);
let installed = false;

export function refuseUnrepresentableMethods(): void {
  if (installed) return;
  installed = true;
  const emit = Server.prototype.emit;
  Server.prototype.emit = function patchedEmit(this: Server, event: string | symbol, ...args: unknown[]) {
    if (event === "request") {
      const [req, res] = args as [import("node:http").IncomingMessage, import("node:http").ServerResponse];
      if (UNREPRESENTABLE.has(req.method ?? "")) {
        const path = (req.url ?? "/").split("?")[0] ?? "/";
        const verdict = path.startsWith("/api") ? checkApiRoute(path, "GET") : { ok: true as const };
        const allow = verdict.ok ? "GET, HEAD" : verdict.status === 405 ? verdict.allow : "";
        const body = encodeAppError(appError("method_not_allowed"));
        res.writeHead(405, {
          ...baseSecurityHeaders(false),
          "content-type": "application/json",
          "content-length": Buffer.byteLength(body),
          ...(allow ? { allow } : {}),
        });
        res.end(body);
        req.resume();
        return true;
      }
    }
    return emit.apply(this, [event, ...args] as Parameters<typeof emit>);
  } as typeof Server.prototype.emit;
}
