// The one table of API paths and the methods each answers. The HTTP gate (httpGate.ts) refuses anything else with a
// JSON 405 (or 404 for a path we do not serve) before a route handler, or next-auth, sees it:
// next-auth answers HEAD and TRACE with a 500, and Next's own 404/405 are not JSON.

import { CHAT_LIMITS, CHAT_ROUTE } from "../api/chat.ts";
import { RAG_SEARCH_MAX_BODY_BYTES, RAG_SEARCH_ROUTE } from "../api/ragSearch.ts";
import { VALIDATE_KEY_MAX_BODY_BYTES } from "../api/validateKey.ts";

interface ApiRoute {
  /** Exact path, or a RegExp for next-auth's action paths. */
  path: string | RegExp;
  methods: readonly string[];
  /** The route's own body cap (its handler reads with the same); else MAX_BODY_BYTES. */
  maxBodyBytes?: number;
}

const POST = ["POST"] as const;
// HEAD only where a GET is cheap and spends nothing (no upstream call).
const PROBE = ["GET", "HEAD"] as const;

export const API_ROUTES: readonly ApiRoute[] = [
  { path: CHAT_ROUTE, methods: POST, maxBodyBytes: CHAT_LIMITS.bodyBytes },
  { path: "/api/models", methods: ["GET"] },
  { path: RAG_SEARCH_ROUTE, methods: POST, maxBodyBytes: RAG_SEARCH_MAX_BODY_BYTES },
  { path: "/api/rag/status", methods: PROBE },
  { path: "/api/auth/chutes/validate-key", methods: POST, maxBodyBytes: VALIDATE_KEY_MAX_BODY_BYTES },
  { path: "/api/auth/openrouter/validate-key", methods: POST, maxBodyBytes: VALIDATE_KEY_MAX_BODY_BYTES },
  { path: "/api/admin/ingest", methods: POST },
  { path: "/api/health", methods: PROBE },
  { path: "/api/ready", methods: PROBE },
  // next-auth v4's actions and the methods it serves each with (core/index.js); any other
  // /api/auth path is a 404 of ours, and any other method a 405, instead of next-auth's plain text.
  { path: /^\/api\/auth\/(csrf|providers|error|verify-request)$/, methods: ["GET"] },
  { path: /^\/api\/auth\/(session|signout)$/, methods: ["GET", "POST"] },
  { path: /^\/api\/auth\/signin$/, methods: ["GET"] },
  { path: /^\/api\/auth\/(signin|callback)\/chutes$/, methods: ["GET", "POST"] },
  { path: /^\/api\/auth\/_log$/, methods: POST },
];

export type RouteVerdict =
  | { ok: true; maxBodyBytes?: number }
  | { ok: false; status: 404 }
  | { ok: false; status: 405; allow: string };

export function checkApiRoute(pathname: string, method: string): RouteVerdict {
  const path = pathname.length > 1 ? pathname.replace(/\/+$/, "") : pathname;
  const route = API_ROUTES.find((r) => (typeof r.path === "string" ? r.path === path : r.path.test(path)));
  if (!route) return { ok: false, status: 404 };
  if (route.methods.includes(method.toUpperCase())) return { ok: true, maxBodyBytes: route.maxBodyBytes };
  return { ok: false, status: 405, allow: route.methods.join(", ") };
}
