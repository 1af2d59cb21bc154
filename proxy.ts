import { type NextRequest, NextResponse } from "next/server";
import { getConfig } from "@/src/lib/config.ts";
import { authErrorTarget } from "@/src/lib/proxy/authErrorRedirect.ts";
import {
  baseSecurityHeaders,
  contentSecurityPolicy,
  isHttps,
  newNonce,
} from "@/src/lib/proxy/securityHeaders.ts";

// Every page request passes here first: security headers, and a per-request CSP nonce (Next reads it
// from the request's CSP header and puts it on its own scripts; the layout reads `x-nonce` for the
// theme script). Next's sign-in errors on the page become `?authError=` for the setup screen. API
// requests never come here: the HTTP server's gate (src/lib/proxy/httpGate.ts) gives them their
// headers and refusals without the cost of a proxy pass on every chat.

export function proxy(request: NextRequest): NextResponse {
  const config = getConfig();
  const https = isHttps(
    request.headers.get("x-forwarded-proto"),
    request.nextUrl.protocol === "https:",
    config,
  );
  const base = baseSecurityHeaders(https);

  const authError = authErrorTarget(request.nextUrl);
  // Next sends a same-host redirect as a relative Location, so the browser keeps the host it used.
  if (authError) return withHeaders(NextResponse.redirect(new URL(authError, request.nextUrl)), base);

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

function withHeaders<T extends Response>(response: T, headers: Record<string, string>): T {
  for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
  return response;
}

// Pages only: not the API (the HTTP gate's), nor Next's static assets, which carry no script of ours.
export const config = {
  matcher: ["/((?!api/|api$|_next/static|_next/image|favicon.ico).*)"],
};
