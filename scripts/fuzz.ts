// `npm run fuzz -- --base http://127.0.0.1:3000 --count 5000 --seed 1`: random and malformed
// requests against a running production server. Fails on any 5xx, and on any API error answer that
// is not the error table's JSON (`{ error: { code, message } }`). 429 (rate limits) counts as fine.
// `--serve --port P` starts the emulator and `next start` itself (CI's short run).

import { request as httpRequest, METHODS } from "node:http";
import { parseArgs } from "node:util";
import { appErrorBodySchema } from "../src/lib/errors.ts";
import { API_PATHS, CaseGenerator, type FuzzCase } from "./fuzz/cases.ts";
import { processTreeStats, serveApp } from "./fuzz/server.ts";

interface Outcome {
  status: number | "reset" | "timeout";
  contentType: string;
  body: string;
}

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

const BODY_LIMIT = 64 * 1024;
const TIMEOUT_MS = 20_000;

function send(base: URL, c: FuzzCase): Promise<Outcome> {
  return new Promise((resolve) => {
    const headers: Record<string, string> = { ...c.headers };
    const body = c.body === undefined ? undefined : Buffer.from(c.body);
    if (body && !c.chunked) headers["content-length"] = String(body.length);
    // node:http frames a body as chunked by default only for some methods; say so for all of them.
    if (body && c.chunked) headers["transfer-encoding"] = "chunked";
    let settled = false;
    const done = (outcome: Outcome) => {
      if (settled) return;
      settled = true;
      resolve(outcome);
    };
    let req: ReturnType<typeof httpRequest>;
    try {
      req = httpRequest({
        host: base.hostname,
        port: base.port,
        method: c.method,
        path: c.path,
        headers,
        // A fresh connection each: an early answer to one case must not be read as the next one's.
        agent: false,
        timeout: TIMEOUT_MS,
        insecureHTTPParser: true,
      });
    } catch (error) {
      // node:http refuses a header value it cannot send; that case tests nothing on the server.
      return done({ status: "reset", contentType: "", body: `client refused: ${(error as Error).message}` });
    }
    req.on("response", (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on("data", (chunk: Buffer) => {
        if (size < BODY_LIMIT) chunks.push(chunk);
        size += chunk.length;
        if (size >= BODY_LIMIT) res.destroy();
      });
      const finish = () =>
        done({
          status: res.statusCode ?? 0,
          contentType: String(res.headers["content-type"] ?? ""),
          body: Buffer.concat(chunks).toString("utf8"),
        });
      res.on("end", finish);
      res.on("close", finish);
      res.on("error", finish);
    });
    req.on("timeout", () => {
      req.destroy();
      done({ status: "timeout", contentType: "", body: "" });
    });
    req.on("error", (error) => done({ status: "reset", contentType: "", body: error.message }));
    if (body && c.chunked) {
      for (let i = 0; i < body.length; i += 64 * 1024) req.write(body.subarray(i, i + 64 * 1024));
      req.end();
    } else req.end(body);
  });
}

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
      if (!appErrorBodySchema.safeParse(JSON.parse(o.body)).success)
        return "error body is not the error table's JSON";
    } catch {
      return `error is not JSON (${o.contentType || "no content-type"})`;
    }
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
