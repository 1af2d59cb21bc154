// `npm run fuzz -- --base http://127.0.0.1:3000 --count 5000 --seed 1`: random and malformed
// requests against a running production server. Fails on any 5xx, and on any API error answer that
// is not the error table's JSON (`{ error: { code, message } }`). 429 (rate limits) counts as fine.
// `--serve --port P` starts the emulator and `next start` itself (CI's short run).

import { METHODS } from "node:http";
import { parseArgs } from "node:util";
import { decodeAppError } from "../src/lib/errors.ts";
import { API_PATHS, CaseGenerator, type FuzzCase } from "./fuzz/cases.ts";
import { type Outcome, send } from "./fuzz/send.ts";
import { processTreeStats, serveApp } from "./fuzz/server.ts";

const { values } = parseArgs({
  options: {
    base: { type: "string", default: "http://127.0.0.1:3000" },
    count: { type: "string", default: "5000" },
    seed: { type: "string", default: "1" },
    concurrency: { type: "string", default: "6" },
    serve: { type: "boolean", default: false },
    port: { type: "string", default: "3401" },
  },
});

function routeOf(path: string): string {
  const pathname = path.split("?")[0] ?? path;
  if (!pathname.startsWith("/api")) return "(pages)";
  const clean = pathname.length > 1 ? pathname.replace(/\/+$/, "") : pathname;
  return API_PATHS.includes(clean) ? clean : "(other /api)";
}

/** Why an outcome fails, or null when it is fine. */
function judge(c: FuzzCase, o: Outcome): string | null {
  if (o.status === "timeout") return "no answer within 20 s";
  if (o.status === "reset") {
    // The server may close the connection after refusing an oversized body before we finish it.
    // So does Node's parser after refusing an unknown method token.
    const large = (c.body?.length ?? 0) > 1024 * 1024;
    const unknownMethod = !METHODS.includes(c.method);
    return large || unknownMethod || o.body.startsWith("client refused")
      ? null
      : `connection reset: ${o.body}`;
  }
  if (o.status >= 500) return `${o.status}`;
  // Node's own HTTP parser refuses oversized header blocks (431) and unknown method tokens (400)
  // before any code of the app runs, with an empty body.
  if (o.status === 431) return null;
  if (o.status === 400 && !o.body && !METHODS.includes(c.method)) return null;
  const isApi = c.path.startsWith("/api");
  if (isApi && o.status >= 400 && c.method !== "HEAD") {
    try {
      JSON.parse(o.body);
    } catch {
      return `error is not JSON (${o.contentType || "no content-type"})`;
    }
    if (!decodeAppError(o.body)) return "error body is not the error table's JSON";
  }
  return null;
}

function summarize(c: FuzzCase): string {
  const body =
    c.body === undefined
      ? ""
      : ` body=${c.chunked ? "chunked " : ""}${c.body.length}B ${JSON.stringify(String(c.body).slice(0, 80))}`;
  const headers = Object.entries(c.headers)
    .map(([k, v]) => `${k}: ${v.length > 60 ? `${v.slice(0, 60)}…(${v.length})` : v}`)
    .join("; ");
  return `${c.method} ${c.path.slice(0, 120)} [${headers}]${body}`;
}

async function main(): Promise<number> {
  const count = Number(values.count);
  const seed = Number(values.seed);
  const concurrency = Number(values.concurrency);
  const served = values.serve ? await serveApp(Number(values.port)) : undefined;
  const base = new URL(served?.base ?? values.base);
  const generator = new CaseGenerator(seed);
  const table = new Map<string, Map<string, number>>();
  const failures: string[] = [];
  let failed = 0;
  let sent = 0;
  const before = served ? processTreeStats(served.pid) : undefined;
  const started = Date.now();
  try {
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (sent < count) {
          sent++;
          const c = generator.next();
          const outcome = await send(base, c);
          const route = routeOf(c.path);
          const row = table.get(route) ?? new Map<string, number>();
          row.set(String(outcome.status), (row.get(String(outcome.status)) ?? 0) + 1);
          table.set(route, row);
          const why = judge(c, outcome);
          if (why) {
            failed++;
            if (failures.length < 30)
              failures.push(`${why}: ${summarize(c)} -> ${outcome.body.slice(0, 160)}`);
          }
        }
      }),
    );
  } finally {
    const after = served ? processTreeStats(served.pid) : undefined;
    if (before && after)
      console.info(
        `server RSS ${before.rssMb} MB -> ${after.rssMb} MB, open fds ${before.fds} -> ${after.fds}`,
      );
    await served?.stop();
  }
  printTable(table);
  console.info(
    `${sent} requests in ${((Date.now() - started) / 1000).toFixed(1)} s (seed ${seed}), ${failed} failed`,
  );
  for (const line of failures) console.info(`  FAIL ${line}`);
  return failed === 0 ? 0 : 1;
}

function printTable(table: Map<string, Map<string, number>>): void {
  const statuses = [...new Set([...table.values()].flatMap((row) => [...row.keys()]))].sort();
  const routes = [...table.keys()].sort();
  const width = Math.max(...routes.map((r) => r.length), 5);
  console.info(["route".padEnd(width), ...statuses.map((s) => s.padStart(7)), "  total"].join(" "));
  const totals = new Map<string, number>();
  for (const route of routes) {
    const row = table.get(route) ?? new Map();
    const cells = statuses.map((s) => {
      totals.set(s, (totals.get(s) ?? 0) + (row.get(s) ?? 0));
      return String(row.get(s) ?? "").padStart(7);
    });
    const total = [...row.values()].reduce((a, b) => a + b, 0);
    console.info([route.padEnd(width), ...cells, String(total).padStart(7)].join(" "));
  }
  const all = [...totals.values()].reduce((a, b) => a + b, 0);
  console.info(
    [
      "total".padEnd(width),
      ...statuses.map((s) => String(totals.get(s) ?? 0).padStart(7)),
      String(all).padStart(7),
    ].join(" "),
  );
}

process.exitCode = await main();
