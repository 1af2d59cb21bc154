import "server-only";
import { createHash } from "node:crypto";
import { readdir, readFile, realpath, stat } from "node:fs/promises";
import { isAbsolute, join, relative, resolve, sep } from "node:path";
import type { AppConfig } from "../config.ts";
import { redactSecrets } from "../upstream/redact.ts";
import {
  type ChunkDraft,
  type ChunkOptions,
  type DocumentFormat,
  decodeUtf8,
  formatForPath,
  parseDocument,
} from "./chunker.ts";
import { createEmbeddingsClient, type RetryOptions, withRetry } from "./embeddings.ts";
import { EmbeddingDimensionError, InvalidTextError } from "./errors.ts";
import { CHUNK_MAX_TOKENS, CHUNK_OVERLAP_TOKENS, CHUNKER_VERSION, EMBED_BATCH_SIZE } from "./settings.ts";
import {
  type ChunkInput,
  createKbStore,
  type KbStore,
  type StoredDocument,
  storeOptionsFromConfig,
} from "./store.ts";

// Ingest: walk files, chunk them, embed only what is new, and write each document in one transaction.
//
// - A document whose bytes (and chunker settings) are unchanged is skipped without any embedding call,
//   unless some of its chunks still lack an embedding and an embed function is available.
// - A changed document is re-chunked; chunks whose content hash already has a stored embedding reuse it.
// - Documents are written one transaction each, after their embeddings are known, so an interrupted run
//   leaves complete documents only and a re-run finishes the job.

/** Embeds document chunks (already bound to the operator's key); called with at most `batchSize` texts. */
export type DocumentEmbedder = (texts: string[]) => Promise<number[][]>;

export interface IngestProgress {
  documentsDone: number;
  documentsTotal: number;
  chunksWritten: number;
  embeddingCalls: number;
  elapsedMs: number;
  /** Estimated time left, from the average time per document so far. */
  etaMs: number;
  /** The document just finished. */
  source?: string;
}

export interface IngestOptions {
  /** Files and folders to ingest (.md .markdown .mdx .txt .html .htm; folders are walked recursively). */
  paths: string[];
  store: KbStore;
  /** null = text-only: no embeddings are computed (stored ones are still reused). */
  embed: DocumentEmbedder | null;
  /** Delete documents under the given paths whose files are gone. */
  prune?: boolean;
  /** Delete the whole knowledge base first (required after changing the embedding model). */
  reset?: boolean;
  /** Texts per embedding call (default EMBED_BATCH_SIZE = 32). */
  batchSize?: number;
  chunkOptions?: ChunkOptions;
  /** Sources are stored relative to this directory when inside it (default: process.cwd()). */
  baseDir?: string;
  onProgress?: (progress: IngestProgress) => void;
  /** Non-fatal problems (skipped files, files that failed to parse). */
  onWarning?: (message: string) => void;
  /** Clock, injectable for tests. */
  now?: () => number;
  /** Test hook, called after each document is committed. */
  afterDocument?: (source: string) => void | Promise<void>;
  /** Stops the run between documents (Ctrl-C in the CLI); documents already written stay written. */
  signal?: AbortSignal;
}

export interface IngestSummary {
  documents: {
    /** Files found under the given paths. */
    seen: number;
    added: number;
    changed: number;
    unchanged: number;
    removed: number;
    failed: number;
    /** Stored documents under the given paths whose files are gone (kept without --prune). */
    missing: number;
  };
  chunks: {
    /** Chunks written (of added and changed documents). */
    written: number;
    /** Chunks embedded by this run. */
    embedded: number;
    /** Distinct texts sent to the embedder (a text repeated in several chunks is embedded once). */
    embeddedTexts: number;
    /** Chunks that reused a stored embedding. */
    reused: number;
    /** Chunks written without an embedding (text-only). */
    withoutEmbedding: number;
  };
  embeddingCalls: number;
  textOnly: boolean;
  failures: { source: string; message: string }[];
  durationMs: number;
}

/** Thrown when the run stops early (an embedding failure); documents written so far stay written. */
export class IngestError extends Error {
  override name = "IngestError";
  readonly summary: IngestSummary;

  constructor(message: string, summary: IngestSummary, cause: unknown) {
    super(message, { cause });
    this.summary = summary;
  }
}

interface FileEntry {
  absolutePath: string;
  source: string;
  format: DocumentFormat;
}

interface PreparedChunk extends ChunkDraft {
  contentHash: string;
  embeddingText: string;
}

interface PreparedDocument {
  source: string;
  title: string;
  contentHash: string;
  chunks: PreparedChunk[];
  isNew: boolean;
}

/**
 * The ingest, in named steps: collect the files; prepare each (read, hash, skip if unchanged, chunk);
 * embed what no stored chunk already has (batched across documents, keyed by content hash); write each
 * document in one transaction; prune (or count) documents whose files are gone.
 */
export async function ingest(options: IngestOptions): Promise<IngestSummary> {
  const run = startRun(options);
  const { files, roots } = await collectFiles(options.paths, run.baseDir, run.warn);
  run.summary.documents.seen = files.length;
  run.total = files.length;

  if (options.reset) await options.store.reset();
  await options.store.assertCompatible();
  const existing = new Map((await options.store.listDocuments()).map((d) => [d.source, d]));
  run.processingStarted = run.now(); // the ETA leaves out opening and migrating the database

  // Documents waiting for their embeddings; flushed once they hold a batch worth of chunks.
  let pending: PreparedDocument[] = [];
  let pendingChunks = 0;
  const flush = async () => {
    const documents = pending;
    pending = [];
    pendingChunks = 0;
    if (documents.length === 0) return;
    const { vectors, reused } = await embedChunks(run, documents);
    await writeDocuments(run, documents, vectors, reused);
  };

  for (const file of files) {
    stopIfAborted(run);
    const prepared = await prepareDocument(run, file, existing.get(file.source));
    if (prepared === null) continue;
    pending.push(prepared);
    pendingChunks += prepared.chunks.length;
    if (pendingChunks >= run.batchSize) await flush();
  }
  await flush();

  await pruneMissing(run, files, roots, existing);
  run.summary.durationMs = run.now() - run.started;
  return run.summary;
}

interface IngestRun {
  options: IngestOptions;
  summary: IngestSummary;
  now: () => number;
  started: number;
  processingStarted: number;
  baseDir: string;
  batchSize: number;
  chunkOptions: Required<ChunkOptions>;
  /** Part of every document hash: a change of chunker or its settings re-chunks everything. */
  settingsTag: string;
  warn: (message: string) => void;
  documentsDone: number;
  total: number;
}

function startRun(options: IngestOptions): IngestRun {
  const now = options.now ?? Date.now;
  const chunkOptions: Required<ChunkOptions> = {
    maxTokens: options.chunkOptions?.maxTokens ?? CHUNK_MAX_TOKENS,
    overlapTokens: options.chunkOptions?.overlapTokens ?? CHUNK_OVERLAP_TOKENS,
    mergeSections: options.chunkOptions?.mergeSections ?? true,
  };
  const started = now();
  return {
    options,
    summary: {
      documents: { seen: 0, added: 0, changed: 0, unchanged: 0, removed: 0, failed: 0, missing: 0 },
      chunks: { written: 0, embedded: 0, embeddedTexts: 0, reused: 0, withoutEmbedding: 0 },
      embeddingCalls: 0,
      textOnly: options.embed === null,
      failures: [],
      durationMs: 0,
    },
    now,
    started,
    processingStarted: started,
    // Not a build-time path: without the comment Next's file tracing copies the whole project
    // folder (data/, bench/, tests) into the standalone server.
    baseDir: resolve(/* turbopackIgnore: true */ options.baseDir ?? process.cwd()),
    batchSize: Math.max(1, options.batchSize ?? EMBED_BATCH_SIZE),
    chunkOptions,
    settingsTag:
      `chunker v${CHUNKER_VERSION} max ${chunkOptions.maxTokens} overlap ${chunkOptions.overlapTokens}` +
      `${chunkOptions.mergeSections ? "" : " unmerged"}\n`,
    warn: options.onWarning ?? (() => {}),
    documentsDone: 0,
    total: 0,
  };
}

function reportProgress(run: IngestRun, source?: string): void {
  run.documentsDone++;
  if (!run.options.onProgress) return;
  const now = run.now();
  const perDocument = (now - run.processingStarted) / run.documentsDone;
  run.options.onProgress({
    documentsDone: run.documentsDone,
    documentsTotal: run.total,
    chunksWritten: run.summary.chunks.written,
    embeddingCalls: run.summary.embeddingCalls,
    elapsedMs: now - run.started,
    etaMs: Math.round(perDocument * (run.total - run.documentsDone)),
    ...(source === undefined ? {} : { source }),
  });
}

function savedCount(run: IngestRun): number {
  return run.summary.documents.added + run.summary.documents.changed;
}

function stopIfAborted(run: IngestRun): void {
  const signal = run.options.signal;
  if (!signal?.aborted) return;
  run.summary.durationMs = run.now() - run.started;
  throw new IngestError(
    `Ingest interrupted; ${savedCount(run)} document(s) were saved. Run the same command again to continue.`,
    run.summary,
    signal.reason,
  );
}

function recordFailure(run: IngestRun, source: string, message: string): void {
  run.summary.documents.failed++;
  run.summary.failures.push({ source, message });
  run.warn(`Skipped ${message}`);
  reportProgress(run, source);
}

/** Step: read, hash and chunk one file; null when it is unchanged (counted) or failed (recorded). */
async function prepareDocument(
  run: IngestRun,
  file: FileEntry,
  previous: StoredDocument | undefined,
): Promise<PreparedDocument | null> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file.absolutePath);
  } catch (error) {
    recordFailure(
      run,
      file.source,
      `${file.source}: could not be read (${(error as NodeJS.ErrnoException).code ?? error}).`,
    );
    return null;
  }
  const contentHash = sha256(run.settingsTag, bytes);
  if (
    previous &&
    previous.contentHash === contentHash &&
    (run.options.embed === null || previous.missingEmbeddings === 0)
  ) {
    run.summary.documents.unchanged++;
    reportProgress(run, file.source);
    return null;
  }
  try {
    const text = decodeUtf8(bytes, file.source);
    const parsed = parseDocument({ fileName: file.source, text, format: file.format }, run.chunkOptions);
    return {
      source: file.source,
      title: parsed.title,
      contentHash,
      isNew: previous === undefined,
      chunks: parsed.chunks.map((chunk) => {
        const input = embeddingText(parsed.title, chunk);
        return { ...chunk, embeddingText: input, contentHash: sha256(input) };
      }),
    };
  } catch (error) {
    recordFailure(
      run,
      file.source,
      error instanceof InvalidTextError
        ? error.message
        : `${file.source}: ${(error as Error).message ?? error}`,
    );
    return null;
  }
}

/**
 * Step: the embedding of every chunk of `documents`. A content hash that any stored chunk (of any
 * document) already has reuses its vector; each remaining distinct text is embedded once.
 */
async function embedChunks(
  run: IngestRun,
  documents: PreparedDocument[],
): Promise<{ vectors: Map<string, number[]>; reused: Set<string> }> {
  const { store, embed } = run.options;
  const vectors = await store.findEmbeddings(documents.flatMap((d) => d.chunks.map((c) => c.contentHash)));
  const reused = new Set(vectors.keys());
  if (!embed) return { vectors, reused };
  const todo = new Map<string, string>(); // hash -> text, deduplicated
  for (const doc of documents) {
    for (const chunk of doc.chunks) {
      if (!vectors.has(chunk.contentHash)) todo.set(chunk.contentHash, chunk.embeddingText);
    }
  }
  const entries = [...todo];
  run.summary.chunks.embeddedTexts += entries.length;
  const dimensions = store.embedding.dimensions;
  for (let i = 0; i < entries.length; i += run.batchSize) {
    stopIfAborted(run);
    const batch = entries.slice(i, i + run.batchSize);
    let result: number[][];
    try {
      run.summary.embeddingCalls++;
      result = await embed(batch.map(([, text]) => text));
    } catch (error) {
      run.summary.durationMs = run.now() - run.started;
      throw new IngestError(
        `Embedding failed, so the ingest stopped: ${error instanceof Error ? error.message : String(error)} ` +
          `${savedCount(run)} document(s) were saved; run the same command again to continue.`,
        run.summary,
        error,
      );
    }
    for (const [j, [hash]] of batch.entries()) {
      const vector = result[j];
      if (!vector) throw new Error("The embedder returned fewer vectors than texts.");
      if (vector.length !== dimensions) {
        throw new EmbeddingDimensionError(dimensions, vector.length, store.embedding.model);
      }
      vectors.set(hash, vector);
    }
  }
  return { vectors, reused };
}

/** Step: write each document with its chunks (one transaction each) and count what was written. */
async function writeDocuments(
  run: IngestRun,
  documents: PreparedDocument[],
  vectors: Map<string, number[]>,
  reused: Set<string>,
): Promise<void> {
  const { summary } = run;
  for (const doc of documents) {
    const chunks: ChunkInput[] = doc.chunks.map((c) => ({
      ordinal: c.ordinal,
      headingPath: c.headingPath,
      text: c.text,
      tokenCount: c.tokenCount,
      contentHash: c.contentHash,
      embedding: vectors.get(c.contentHash) ?? null,
    }));
    await run.options.store.writeDocument({
      source: doc.source,
      title: doc.title,
      contentHash: doc.contentHash,
      chunks,
    });
    for (const chunk of chunks) {
      if (chunk.embedding === null) summary.chunks.withoutEmbedding++;
      else if (reused.has(chunk.contentHash)) summary.chunks.reused++;
      else summary.chunks.embedded++;
    }
    summary.chunks.written += chunks.length;
    if (doc.isNew) summary.documents.added++;
    else summary.documents.changed++;
    await run.options.afterDocument?.(doc.source);
    reportProgress(run, doc.source);
  }
}

/** Step: documents under the given roots whose files are gone are deleted (--prune) or counted. */
async function pruneMissing(
  run: IngestRun,
  files: FileEntry[],
  roots: string[],
  existing: Map<string, StoredDocument>,
): Promise<void> {
  const seen = new Set(files.map((f) => f.source));
  const gone = [...existing.values()].filter((d) => !seen.has(d.source) && isUnderRoots(d.source, roots));
  if (run.options.prune)
    run.summary.documents.removed = await run.options.store.deleteDocuments(gone.map((d) => d.id));
  else run.summary.documents.missing = gone.length;
}

/** The text embedded for a chunk: its title and heading path give the passage its context. */
export function embeddingText(title: string, chunk: Pick<ChunkDraft, "headingPath" | "text">): string {
  const path = chunk.headingPath;
  const context =
    path === title || path.startsWith(`${title} > `) ? path : [title, path].filter(Boolean).join(" > ");
  return context ? `${context}\n\n${chunk.text}` : chunk.text;
}

function sha256(...parts: (string | Uint8Array)[]): string {
  const hash = createHash("sha256");
  for (const part of parts) hash.update(part);
  return hash.digest("hex");
}

// ---------------------------------------------------------------------------------------------------------
// Files

function toSource(absolutePath: string, baseDir: string): string {
  const rel = relative(baseDir, absolutePath);
  const inside = rel !== "" && !rel.startsWith("..") && !isAbsolute(rel);
  return (inside ? rel : absolutePath).split(sep).join("/");
}

function isUnderRoots(source: string, roots: string[]): boolean {
  return roots.some((root) => root === "" || source === root || source.startsWith(`${root}/`));
}

async function collectFiles(
  paths: string[],
  baseDir: string,
  warn: (message: string) => void,
): Promise<{ files: FileEntry[]; roots: string[] }> {
  const files = new Map<string, FileEntry>();
  const roots: string[] = [];
  const visitedDirs = new Set<string>();

  const walk = async (dir: string) => {
    const real = await realpath(dir);
    if (visitedDirs.has(real)) return; // symlink loop
    visitedDirs.add(real);
    const entries = await readdir(dir, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (entry.name.startsWith(".") || entry.name === "node_modules") continue;
      const path = join(dir, entry.name);
      let isDir = entry.isDirectory();
      let isFile = entry.isFile();
      if (entry.isSymbolicLink()) {
        const target = await stat(path).catch(() => undefined);
        isDir = target?.isDirectory() ?? false;
        isFile = target?.isFile() ?? false;
      }
      if (isDir) await walk(path);
      else if (isFile) {
        const format = formatForPath(entry.name);
        if (format) files.set(path, { absolutePath: path, source: toSource(path, baseDir), format });
      }
    }
  };

  for (const input of paths) {
    const absolute = resolve(baseDir, input);
    const info = await stat(absolute).catch(() => undefined);
    if (!info) throw new Error(`No such file or directory: ${input}`);
    const root = toSource(absolute, baseDir);
    roots.push(absolute === baseDir ? "" : root);
    if (info.isDirectory()) await walk(absolute);
    else {
      const format = formatForPath(absolute);
      if (format) files.set(absolute, { absolutePath: absolute, source: root, format });
      else warn(`Skipped ${input}: not a supported file type (.md .markdown .mdx .txt .html .htm).`);
    }
  }
  const list = [...files.values()].sort((a, b) => (a.source < b.source ? -1 : a.source > b.source ? 1 : 0));
  return { files: list, roots };
}

// ---------------------------------------------------------------------------------------------------------
// Running from configuration (the CLI)

export interface RunIngestOptions {
  paths: string[];
  prune?: boolean;
  reset?: boolean;
  /** Skip embeddings even if CHUTES_API_KEY is set. */
  textOnly?: boolean;
  onProgress?: (progress: IngestProgress) => void;
  onWarning?: (message: string) => void;
  /** Retry tuning for the embeddings calls (tests inject a fast sleep). */
  retry?: RetryOptions;
  fetch?: typeof fetch;
  baseDir?: string;
  signal?: AbortSignal;
}

/**
 * Ingests with the configured store and embeddings endpoint, using the operator's CHUTES_API_KEY (the only
 * place that key is used). Opens its own store and closes it when done.
 */
export async function runIngest(options: RunIngestOptions, config: AppConfig): Promise<IngestSummary> {
  const apiKey = config.CHUTES_API_KEY;
  const store = createKbStore(storeOptionsFromConfig(config, { poolSize: 2 }));
  let embed: DocumentEmbedder | null = null;
  if (apiKey && !options.textOnly) {
    const client = createEmbeddingsClient({
      baseUrl: config.CHUTES_EMBEDDINGS_URL,
      model: config.CHUTES_EMBEDDING_MODEL,
      // Batches of documents take longer than a short API call.
      timeoutMs: Math.max(config.CHUTES_REQUEST_TIMEOUT_MS, 60_000),
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
    embed = (texts) => withRetry(() => client.embed(texts, apiKey), options.retry);
  }
  try {
    return await ingest({
      paths: options.paths,
      store,
      embed,
      prune: options.prune ?? false,
      reset: options.reset ?? false,
      ...(options.baseDir === undefined ? {} : { baseDir: options.baseDir }),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      ...(options.onWarning ? { onWarning: options.onWarning } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } catch (error) {
    // Belt and braces: no message leaving the ingest may contain the operator's key.
    if (error instanceof Error && apiKey) error.message = redactSecrets(error.message, [apiKey]);
    throw error;
  } finally {
    await store.close();
  }
}
