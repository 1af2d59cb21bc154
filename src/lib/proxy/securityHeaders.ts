import type { AppConfig } from "../config.ts";

// The response headers every page and API answer carries. The page's CSP is strict: scripts run
// only with this request's nonce ('strict-dynamic' lets Next's nonced loader pull its chunks), and
// nothing is fetched, framed or posted outside the app's own origin.

export type HeaderSettings = Pick<AppConfig, "CSP_IMG_SRC" | "NEXTAUTH_URL">;

export interface CspOptions {
  nonce: string;
  /** Development only: React's dev build evaluates code for its error overlays. */
  dev: boolean;
  https: boolean;
  imgSrc: readonly string[];
}

export function contentSecurityPolicy({ nonce, dev, https, imgSrc }: CspOptions): string {
  const directives = [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`,
    // Dev injects style tags without a nonce for fast refresh.
    `style-src 'self' ${dev ? "'unsafe-inline'" : `'nonce-${nonce}'`}`,
    ["img-src 'self' data: blob:", ...imgSrc].join(" "),
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    // Sign-in leaves by a scripted navigation, not a form, so the IdP need not be listed here.
    "form-action 'self'",
    "frame-ancestors 'none'",
    ...(https ? ["upgrade-insecure-requests"] : []),
  ];
  return directives.join("; ");
}

export const PERMISSIONS_POLICY = [
  "camera=()",
  "microphone=()",
  "geolocation=()",
  "payment=()",
  "usb=()",
  "serial=()",
  "bluetooth=()",
  "magnetometer=()",
  "gyroscope=()",
  "accelerometer=()",
  "interest-cohort=()",
  "browsing-topics=()",
].join(", ");

const HSTS = "max-age=63072000; includeSubDomains";

/**
 * https when the public URL says so, when the proxy in front reports the original scheme
 * (x-forwarded-proto), or when the connection itself is TLS.
 */
export function isHttps(
  forwardedProto: string | null | undefined,
  tls: boolean,
  settings: HeaderSettings,
): boolean {
  if (settings.NEXTAUTH_URL?.startsWith("https://")) return true;
  return tls || forwardedProto?.split(",")[0]?.trim().toLowerCase() === "https";
}

/** The headers that are not CSP, for every response (pages, API, the gate's own refusals). */
export function baseSecurityHeaders(https: boolean): Record<string, string> {
  return {
    "x-content-type-options": "nosniff",
    "referrer-policy": "strict-origin-when-cross-origin",
    "permissions-policy": PERMISSIONS_POLICY,
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin",
    ...(https ? { "strict-transport-security": HSTS } : {}),
  };
}

export function newNonce(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
}
