import { type NextRequest, NextResponse } from "next/server";
import { getConfig } from "@/src/lib/config.ts";
import { errorResponse } from "@/src/lib/errors.ts";
import { formatBytes } from "@/src/lib/http/formatBytes.ts";
import { checkApiRoute } from "@/src/lib/proxy/apiRoutes.ts";
import { authErrorTarget } from "@/src/lib/proxy/authErrorRedirect.ts";
import {
  baseSecurityHeaders,
  contentSecurityPolicy,
  isHttps,
  newNonce,
} from "@/src/lib/proxy/securityHeaders.ts";

// Every page and API request passes here first: security headers on every answer, a per-request
// CSP nonce for pages (Next reads it from the request's CSP header and puts it on its own scripts;
// the layout reads `x-nonce` for the theme script), and the refusals that must come before any
// handler reads the request: unknown method (405), unknown API path (404), a body announced larger
// than MAX_BODY_BYTES (413). Sign-in errors are turned into `?authError=` for the setup screen.

export function proxy(request: NextRequest): NextResponse | Response {
  const config = getConfig();
  const https = isHttps(request, config);
  const base = baseSecurityHeaders(https);
  const { pathname } = request.nextUrl;

  const authError = authErrorTarget(request.nextUrl);
  // Next sends a same-host redirect as a relative Location, so the browser keeps the host it used.
  if (authError) return withHeaders(NextResponse.redirect(new URL(authError, request.nextUrl)), base);

  if (pathname === "/api" || pathname.startsWith("/api/")) {
    const refused = refuseApiRequest(request, config.MAX_BODY_BYTES);
    return withHeaders(refused ?? NextResponse.next(), base);
  }

  const nonce = newNonce();
  const csp = contentSecurityPolicy({
    nonce,
    dev: process.env.NODE_ENV === "development",
    https,
    imgSrc: config.CSP_IMG_SRC,
  });
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("x-nonce", nonce);
  requestHeaders.set("content-security-policy", csp);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set("content-security-policy", csp);
  return withHeaders(response, base);
}

function refuseApiRequest(request: NextRequest, maxBodyBytes: number): Response | null {
  const verdict = checkApiRoute(request.nextUrl.pathname, request.method);
  if (!verdict.ok && verdict.status === 404) return errorResponse("not_found");
  if (!verdict.ok)
    return errorResponse("method_not_allowed", undefined, { headers: { allow: verdict.allow } });
  const cap = verdict.maxBodyBytes ?? maxBodyBytes;
  const length = Number(request.headers.get("content-length") ?? 0);
  if (length > cap) {
    return errorResponse("payload_too_large", `This request may be at most ${formatBytes(cap)}.`, {
      headers: { connection: "close" },
    });
  }
  return null;
}

function withHeaders<T extends Response>(response: T, headers: Record<string, string>): T {
  for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
  return response;
}

// Pages and API routes; not Next's static assets, which carry no script of ours.
export const config = {
  matcher: ["/((?!_next/static|_next/image|favicon.ico).*)"],
};
