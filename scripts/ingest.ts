// Knowledge-base ingest CLI.
//
//   npm run ingest -- <paths...> [--prune] [--reset] [--text-only]
//   (= node --conditions=react-server scripts/ingest.ts ...)
//
// Reads .env.local and .env (without overriding the environment), then ingests the given files and folders
// into the configured knowledge base (PGlite in DATA_DIR, or DATABASE_URL). Embeds with the operator's
// CHUTES_API_KEY when set; otherwise indexes text only. Progress goes to stderr, the summary to stdout.
// Exit codes: 0 done, 1 some files failed or the run stopped, 2 usage or configuration error, 130 Ctrl-C.

import { existsSync, readFileSync } from "node:fs";
import { parseEnv } from "node:util";
import { type AppConfig, ConfigError, getConfig } from "../src/lib/config.ts";
import { HandoffFailed, handOffIngest } from "../src/lib/ingestHandoff/client.ts";
import { IngestError, type IngestProgress, type IngestSummary, runIngest } from "../src/lib/rag/ingest.ts";
import { redactSecrets } from "../src/lib/upstream/redact.ts";

const USAGE = `Usage: npm run ingest -- <paths...> [--prune] [--reset] [--text-only]

Ingests Markdown (.md .markdown .mdx), text (.txt) and HTML (.html .htm) files into the knowledge base.

  --prune      remove documents whose files are gone (under the given paths only)
  --reset      delete the whole knowledge base first (needed after changing the embedding model)
  --text-only  do not compute embeddings, even if CHUTES_API_KEY is set
  -h, --help   show this help

Unchanged files cost nothing: only new or edited chunks are embedded.
`;

interface Args {
  paths: string[];
  prune: boolean;
  reset: boolean;
  textOnly: boolean;
}

function parseArgs(argv: string[]): Args | "help" | string {
  const args: Args = { paths: [], prune: false, reset: false, textOnly: false };
  for (const arg of argv) {
    if (arg === "--") continue;
    else if (arg === "-h" || arg === "--help") return "help";
    else if (arg === "--prune") args.prune = true;
    else if (arg === "--reset") args.reset = true;
    else if (arg === "--text-only") args.textOnly = true;
    else if (arg.startsWith("-")) return `Unknown option ${arg}.`;
    else args.paths.push(arg);
  }
  if (args.paths.length === 0)
    return "Give at least one file or folder to ingest, e.g. `npm run ingest -- docs`.";
  return args;
}

/** Loads .env.local then .env like Next does, never overriding variables already set. */
function loadEnvFiles(): void {
  for (const file of [".env.local", ".env"]) {
    if (!existsSync(file)) continue;
    const values = parseEnv(readFileSync(file, "utf8"));
    for (const [key, value] of Object.entries(values)) {
      if (process.env[key] === undefined && value !== undefined) process.env[key] = value;
    }
  }
}

function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  const s = Math.round(ms / 1000);
  return s < 60 ? `${(ms / 1000).toFixed(1)} s` : `${Math.floor(s / 60)} min ${s % 60} s`;
}

function progressReporter(): { update(p: IngestProgress): void; done(): void } {
  const tty = process.stderr.isTTY === true;
  let lastDraw = 0;
  let lastLine = 0;
  let drawn = false;
  const line = (p: IngestProgress) =>
    `[ingest] ${p.documentsDone}/${p.documentsTotal} documents, ${p.chunksWritten} chunks written, ` +
    `${p.embeddingCalls} embedding calls` +
    (p.documentsDone < p.documentsTotal ? `, ETA ${formatDuration(p.etaMs)}` : "");
  return {
    update(p) {
      const now = Date.now();
      const last = p.documentsDone === p.documentsTotal;
      if (tty) {
        if (now - lastDraw < 100 && !last) return;
        lastDraw = now;
        drawn = true;
        process.stderr.write(`\r\x1b[2K${line(p)}`);
      } else if (last || now - lastLine >= 5000 || p.documentsDone % 100 === 0) {
        lastLine = now;
        process.stderr.write(`${line(p)}\n`);
      }
    },
    done() {
      if (tty && drawn) process.stderr.write("\n");
      drawn = false;
    },
  };
}

function formatSummary(summary: IngestSummary): string {
  const d = summary.documents;
  const c = summary.chunks;
  const lines = [
    `Documents: ${d.added} added, ${d.changed} changed, ${d.unchanged} unchanged, ${d.removed} removed` +
      (d.failed ? `, ${d.failed} failed` : "") +
      ` (${d.seen} files)`,
    `Chunks: ${c.written} written (${c.embedded} embedded as ${c.embeddedTexts} distinct texts, ${c.reused} reused embeddings, ${c.withoutEmbedding} without embedding)`,
    `Embedding calls: ${summary.embeddingCalls}`,
    `Time: ${formatDuration(summary.durationMs)}`,
  ];
  if (d.missing > 0) {
    lines.push(
      `${d.missing} stored document(s) no longer have a file; run again with --prune to remove them.`,
    );
  }
  for (const failure of summary.failures) lines.push(`Failed: ${failure.message}`);
  return `${lines.join("\n")}\n`;
}

async function main(): Promise<number> {
  const parsed = parseArgs(process.argv.slice(2));
  if (parsed === "help") {
    process.stdout.write(USAGE);
    return 0;
  }
  if (typeof parsed === "string") {
    process.stderr.write(`${parsed}\n\n${USAGE}`);
    return 2;
  }

  loadEnvFiles();
  let config: AppConfig;
  try {
    config = getConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      return 2;
    }
    throw error;
  }
  const key = config.CHUTES_API_KEY;
  const clean = (text: string) => redactSecrets(text, [key]);

  const where = config.DATABASE_URL
    ? "the PostgreSQL server at DATABASE_URL"
    : `${config.DATA_DIR} (embedded PGlite)`;
  process.stderr.write(
    `Knowledge base: ${where}; embedding model ${config.CHUTES_EMBEDDING_MODEL} (${config.CHUTES_EMBEDDING_DIMENSIONS} dimensions).\n`,
  );
  if (parsed.textOnly) {
    process.stderr.write("Text only (--text-only): no embeddings will be computed.\n");
  } else if (!key) {
    process.stderr.write(
      "CHUTES_API_KEY is not set: indexing text only. Full-text search works; run again with the key to add embeddings.\n",
    );
  }
  if (parsed.reset) process.stderr.write("--reset: deleting the whole knowledge base first.\n");

  const progress = progressReporter();
  // First Ctrl-C: stop after the current document (everything written stays consistent). Second: quit now.
  const interrupt = new AbortController();
  const onSigint = () => {
    if (interrupt.signal.aborted) process.exit(130);
    progress.done();
    process.stderr.write("Stopping after the current document (Ctrl-C again to quit at once)...\n");
    interrupt.abort(new Error("interrupted"));
  };
  process.on("SIGINT", onSigint);

  try {
    const job = {
      paths: parsed.paths,
      prune: parsed.prune,
      reset: parsed.reset,
      textOnly: parsed.textOnly,
      onProgress: (p: IngestProgress) => progress.update(p),
      onWarning: (message: string) => {
        progress.done();
        process.stderr.write(`${clean(message)}\n`);
      },
      signal: interrupt.signal,
    };
    // A running app holding the embedded store does the work itself, so it keeps answering.
    const summary = (await handOffIngest(job, config)) ?? (await runIngest(job, config));
    progress.done();
    process.stdout.write(clean(formatSummary(summary)));
    return summary.documents.failed > 0 ? 1 : 0;
  } catch (error) {
    progress.done();
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(
      interrupt.signal.aborted ? `${clean(message)}\n` : `Ingest failed: ${clean(message)}\n`,
    );
    if (error instanceof IngestError || (error instanceof HandoffFailed && error.summary))
      process.stdout.write(clean(formatSummary(error.summary as IngestSummary)));
    return interrupt.signal.aborted ? 130 : 1;
  } finally {
    process.off("SIGINT", onSigint);
  }
}

process.exitCode = await main();
