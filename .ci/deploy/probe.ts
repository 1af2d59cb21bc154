// Live checks for .ci/deploy-check, against the running standalone server (and nginx in front).
// `node .ci/deploy/probe.ts <command> ...`; prints one "ok ..." or "FAIL ..." line per check and
// exits non-zero when a check failed.
import { ADMIN_KEY } from "../../tests/emulator/fixtures.ts";

const MODEL = "deepseek-ai/DeepSeek-V3.2-TEE";
const [command = "", ...args] = process.argv.slice(2);
let failed = 0;
const check = (ok: boolean, what: string) => {
  console.info(`${ok ? "ok" : "FAIL"} ${what}`);
  if (!ok) failed++;
};

function chat(base: string, text: string, signal?: AbortSignal): Promise<Response> {
  return fetch(`${base}/api/chat`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-chutes-api-key": ADMIN_KEY },
    body: JSON.stringify({
      model: MODEL,
      messages: [{ id: `u${Math.random()}`, role: "user", parts: [{ type: "text", text }] }],
    }),
    ...(signal ? { signal } : {}),
  });
}

/** Reads a chat stream; times are from the request's start. */
async function timedChat(base: string, text: string) {
  const started = performance.now();
  const response = await chat(base, text);
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let body = "";
  let first = Number.NaN;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    body += decoder.decode(value, { stream: true });
    if (Number.isNaN(first) && body.includes('"type":"text-delta"')) first = performance.now() - started;
  }
  return { status: response.status, body, first, total: performance.now() - started };
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
};
const median = (values: number[]) => percentile(values, 50);

if (command === "endpoints") {
  const [base = ""] = args;
  const health = await fetch(`${base}/api/health`);
  check(health.status === 200 && (await health.json()).status === "ok", "GET /api/health is 200 ok");
  check(health.headers.get("cache-control") === "no-store", "health is not cached");
  const ready = await fetch(`${base}/api/ready`);
  const readyText = await ready.text();
  check(ready.status === 200 && JSON.parse(readyText).database === "ok", `GET /api/ready: ${readyText}`);
  check(!/postgres|127\.0\.0\.1|localhost|cpk_/.test(readyText), "readiness leaks no configuration");
  const post = await fetch(`${base}/api/health`, { method: "POST" });
  check(
    post.status === 405 && (await post.json()).error?.code === "method_not_allowed",
    "POST /api/health is 405 JSON",
  );
  const answer = await timedChat(base, "Which embedding model does the knowledge base use?");
  const cited = /\[\d+\]/.test(answer.body) && /"sources":\[\{/.test(answer.body);
  check(answer.status === 200 && cited, "a chat answer cites a source from the ingested docs");
} else if (command === "proxy") {
  // Streaming through nginx: the first token must arrive well before the end (nothing buffers).
  const [direct = "", proxied = "", runs = "20", out = ""] = args;
  const one = await timedChat(proxied, "How do I ingest documents?");
  check(one.status === 200, "chat through nginx is 200");
  check(
    one.first < one.total / 2,
    `through nginx the first token (${one.first.toFixed(0)} ms) arrives before the end (${one.total.toFixed(0)} ms)`,
  );
  const n = Number(runs);
  const rows: { direct: number[]; proxied: number[]; totalDirect: number[]; totalProxied: number[] } = {
    direct: [],
    proxied: [],
    totalDirect: [],
    totalProxied: [],
  };
  for (let i = 0; i < n; i++) {
    // Alternating, so drift on a shared machine hits both sides alike.
    const d = await timedChat(direct, `Benchmark question ${i}?`);
    const p = await timedChat(proxied, `Benchmark question ${i}?`);
    rows.direct.push(d.first);
    rows.proxied.push(p.first);
    rows.totalDirect.push(d.total);
    rows.totalProxied.push(p.total);
  }
  const summary = {
    runs: n,
    firstTokenMedianMs: { direct: median(rows.direct), nginx: median(rows.proxied) },
    firstTokenP95Ms: { direct: percentile(rows.direct, 95), nginx: percentile(rows.proxied, 95) },
    endMedianMs: { direct: median(rows.totalDirect), nginx: median(rows.totalProxied) },
    ratio: median(rows.proxied) / median(rows.direct),
  };
  console.info(`bench ${JSON.stringify(summary)}`);
  if (out) (await import("node:fs")).writeFileSync(out, `${JSON.stringify(summary, null, 2)}\n`);
  check(
    summary.firstTokenMedianMs.nginx < summary.endMedianMs.nginx / 2,
    "median first token through nginx is well before the end",
  );
} else if (command === "shutdown") {
  // Opens a slow stream, signals the server once it is streaming, and reads the stream to its end.
  const [base = "", emulator = "", pid = "", graceMs = "0"] = args;
  const started = performance.now();
  const response = await chat(base, "Tell me everything about the knowledge base and ingest.");
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let body = "";
  let signalledAt = Number.NaN;
  for (;;) {
    const { done, value } = await reader.read().catch(() => ({ done: true, value: undefined }));
    if (done) break;
    body += decoder.decode(value, { stream: true });
    if (Number.isNaN(signalledAt) && body.includes('"type":"text-delta"')) {
      process.kill(Number(pid), "SIGTERM");
      signalledAt = performance.now();
    }
  }
  const endedAfter = performance.now() - signalledAt;
  const endedCleanly = body.includes('"type":"finish"') || body.includes("stream_incomplete");
  check(
    endedCleanly,
    `after SIGTERM the stream ended cleanly (${body.includes("stream_incomplete") ? "shutdown error part" : "finished"})`,
  );
  check(
    endedAfter >= Number(graceMs) - 50,
    `the stream was given its grace period (ended ${endedAfter.toFixed(0)} ms after SIGTERM, grace ${graceMs} ms)`,
  );
  // The upstream cut follows the stream's last part by a moment.
  let aborted = false;
  for (let i = 0; i < 40 && !aborted; i++) {
    const recorded = (await (
      await fetch(`${emulator}/_emulator/requests?path=/llm/v1/chat/completions`)
    ).json()) as {
      clientClosedEarly: boolean;
      completed: boolean;
    }[];
    aborted = recorded.at(-1)?.clientClosedEarly === true && recorded.at(-1)?.completed === false;
    if (!aborted) await new Promise((resolve) => setTimeout(resolve, 50));
  }
  check(aborted, "the emulator saw the upstream call aborted past the grace period");
  console.info(`shutdown stream total ${(performance.now() - started).toFixed(0)} ms`);
} else {
  console.error(`unknown command ${command}`);
  process.exit(2);
}
process.exit(failed ? 1 : 0);
