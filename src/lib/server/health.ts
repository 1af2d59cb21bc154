import "server-only";
import { getConfig } from "../config.ts";
import { getKbStore } from "../rag/store.ts";
import { isDraining } from "./inflight.ts";
import { warmUpState } from "./warmUp.ts";

// What /api/health and /api/ready answer: cheap, unauthenticated, and free of configuration (no
// URLs, versions or settings; a database error is reported by its name only).

const NO_STORE = { "cache-control": "no-store" };

export function healthResponse(): Response {
  return Response.json({ status: "ok" }, { headers: NO_STORE });
}

export function methodNotAllowed(): Response {
  return Response.json(
    { error: { code: "method_not_allowed", message: "Use GET." } },
    { status: 405, headers: { ...NO_STORE, allow: "GET, HEAD" } },
  );
}

type Reachability = "reachable" | "unreachable";
const CHUTES_CHECK_TTL_MS = 30_000;
let chutesCheck: { at: number; result: Promise<Reachability> } | undefined;

/** Whether the LLM host answers at all (any HTTP status counts); cached so probes stay cheap. */
function chutesReachability(): Promise<Reachability> {
  const now = Date.now();
  if (chutesCheck && now - chutesCheck.at < CHUTES_CHECK_TTL_MS) return chutesCheck.result;
  const config = getConfig();
  const result = fetch(`${config.CHUTES_LLM_URL}/models`, {
    method: "GET",
    signal: AbortSignal.timeout(Math.min(config.CHUTES_REQUEST_TIMEOUT_MS, 3000)),
  }).then(
    async (response): Promise<Reachability> => {
      await response.body?.cancel().catch(() => undefined);
      return "reachable";
    },
    (): Reachability => "unreachable",
  );
  chutesCheck = { at: now, result };
  return result;
}

export async function readinessResponse(): Promise<Response> {
  const chutes = await chutesReachability();
  if (isDraining()) {
    return Response.json({ status: "draining", chutes }, { status: 503, headers: NO_STORE });
  }
  // Until the warm-up has opened the knowledge base and loaded the chat route, a first chat would
  // pay for both (about a second with the embedded store).
  const warmUp = warmUpState();
  if (warmUp === "running") {
    return Response.json({ status: "starting", chutes }, { status: 503, headers: NO_STORE });
  }
  const config = getConfig();
  // An embedded store is checked only once the warm-up has opened it (or tried to): a probe never
  // opens it first, which would hold its lock and keep `npm run ingest` out.
  if (!config.DATABASE_URL && warmUp === "none") {
    return Response.json({ status: "ready", database: "embedded", chutes }, { headers: NO_STORE });
  }
  try {
    // status() applies pending migrations first (idempotent), so "ok" means reachable and migrated.
    await getKbStore(config).status();
    const database = config.DATABASE_URL ? "ok" : "embedded";
    return Response.json({ status: "ready", database, chutes }, { headers: NO_STORE });
  } catch (error) {
    const reason = error instanceof Error ? error.name : "error";
    return Response.json(
      { status: "not_ready", database: "unavailable", reason, chutes },
      { status: 503, headers: NO_STORE },
    );
  }
}
