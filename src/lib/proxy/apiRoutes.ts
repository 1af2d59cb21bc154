// The one table of API paths and the methods each answers. The proxy refuses anything else with a
// JSON 405 (or 404 for a path we do not serve) before a route handler, or next-auth, sees it:
// next-auth answers HEAD and TRACE with a 500, and Next's own 404/405 are not JSON.

interface ApiRoute {
  /** Exact path, or a RegExp for next-auth's action paths. */
  path: string | RegExp;
  methods: readonly string[];
}

const POST = ["POST"] as const;
// HEAD only where a GET is cheap and spends nothing (no upstream call).
const PROBE = ["GET", "HEAD"] as const;

export const API_ROUTES: readonly ApiRoute[] = [
  { path: "/api/chat", methods: POST },
  { path: "/api/models", methods: ["GET"] },
  { path: "/api/rag/search", methods: POST },
  { path: "/api/rag/status", methods: PROBE },
  { path: "/api/auth/chutes/validate-key", methods: POST },
  { path: "/api/auth/openrouter/validate-key", methods: POST },
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
  | { ok: true }
  | { ok: false; status: 404 }
  | { ok: false; status: 405; allow: string };

export function checkApiRoute(pathname: string, method: string): RouteVerdict {
  const path = pathname.length > 1 ? pathname.replace(/\/+$/, "") : pathname;
  const route = API_ROUTES.find((r) => (typeof r.path === "string" ? r.path === path : r.path.test(path)));
  if (!route) return { ok: false, status: 404 };
  if (route.methods.includes(method.toUpperCase())) return { ok: true };
  return { ok: false, status: 405, allow: route.methods.join(", ") };
}
