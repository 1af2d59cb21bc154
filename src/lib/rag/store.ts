import "server-only";
import { resolve } from "node:path";
import type { PGlite } from "@electric-sql/pglite";
import type { AppConfig } from "../config.ts";
import { getConfig } from "../config.ts";
import { type Executor, openPglite, openPostgres, type Queryable, vectorParam } from "./db.ts";
import { EmbeddingDimensionError, type EmbeddingIdentity, KbMismatchError } from "./errors.ts";
import { exactTerms, queryWords } from "./lexicon.ts";
import { resetSchema, runMigrations } from "./migrations.ts";
import { DEFAULT_TEXT_SEARCH_LANGUAGE, PGLITE_SUBDIR } from "./settings.ts";
import { ensureStoredSearches, TEXT_SEARCH, VECTOR_SEARCH } from "./storedSearches.ts";
import type { Passage } from "./types.ts";

// The knowledge base's one data-access module. Everything that reads or writes documents and chunks goes
// through a KbStore; the SQL below is the same for embedded PGlite and server PostgreSQL. The schema is
// migrated automatically on first use.

export type KbDriver = "pglite" | "postgres";

export type KbStoreOptions =
  | {
      driver: "pglite";
      /** The embedding model and dimension this store is used with (checked against kb_meta). */
      embedding: EmbeddingIdentity;
      /** PostgreSQL text-search configuration (stop words, stemming); default "english". */
      textSearchLanguage?: string;
      /** Database directory; omitted = in memory (tests). */
      dataDir?: string;
      /** An existing PGlite instance created with the vector extension (not closed by the store). */
      db?: PGlite;
    }
  | {
      driver: "postgres";
      embedding: EmbeddingIdentity;
      textSearchLanguage?: string;
      connectionString: string;
      /** Pool size (default 5; use 1 against a pglite-socket server). */
      poolSize?: number;
    };

export interface StoredDocument {
  id: number;
  source: string;
  title: string;
  contentHash: string;
  chunkCount: number;
  /** Chunks stored without an embedding (text-only ingest). */
  missingEmbeddings: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface StoredChunk {
  id: number;
  documentId: number;
  source: string;
  ordinal: number;
  headingPath: string;
  text: string;
  tokenCount: number;
  contentHash: string;
  hasEmbedding: boolean;
}

export interface ChunkInput {
  ordinal: number;
  headingPath: string;
  text: string;
  tokenCount: number;
  contentHash: string;
  /** null = not embedded (text-only ingest); full-text search still finds the chunk. */
  embedding: number[] | null;
}

export interface DocumentInput {
  /** Path (relative to the ingest's base directory) or URL; unique. */
  source: string;
  title: string;
  contentHash: string;
  chunks: ChunkInput[];
}

export interface SearchHit extends Passage {
  /** Vector search: cosine similarity (1 - cosine distance). Full-text search: BM25 (higher is better). */
  score: number;
  /** Full-text search: the question's words that this chunk matched, as the user wrote them. */
  matchedTerms?: string[];
}

export interface KbStatus {
  /** The embedding model and dimension recorded when the schema was created. */
  meta: EmbeddingIdentity | null;
  hasChunks: boolean;
  hasEmbeddings: boolean;
}

export interface KbStats {
  documents: number;
  chunks: number;
  embeddedChunks: number;
}

export interface KbStore {
  readonly driver: KbDriver;
  /** The embedding identity this store was opened with. */
  readonly embedding: EmbeddingIdentity;
  /** Applies pending migrations (idempotent; every other method does it first). Returns how many ran. */
  migrate(): Promise<number>;
  getMeta(): Promise<EmbeddingIdentity | null>;
  /** Throws KbMismatchError if the knowledge base was built for another model or dimension. */
  assertCompatible(): Promise<void>;
  status(): Promise<KbStatus>;
  stats(): Promise<KbStats>;
  listDocuments(): Promise<StoredDocument[]>;
  listChunks(documentId?: number): Promise<StoredChunk[]>;
  /** Stored embeddings for chunk content hashes (hashes without one are absent from the map). */
  findEmbeddings(contentHashes: readonly string[]): Promise<Map<string, number[]>>;
  /** Inserts or replaces a document and all its chunks in one transaction. */
  writeDocument(document: DocumentInput): Promise<{ documentId: number }>;
  /** Deletes documents (their chunks cascade); returns how many were deleted. */
  deleteDocuments(ids: readonly number[]): Promise<number>;
  /** Nearest chunks by cosine distance (embedded chunks only). */
  searchVector(embedding: readonly number[], limit: number): Promise<SearchHit[]>;
  /**
   * Full-text search ranked by BM25 over the configured language's lexemes plus exact identifiers, from
   * term statistics the database keeps current on every write; a text repeated in many chunks
   * (boilerplate) is down-weighted by 1 + ln(copies).
   */
  searchText(query: string, limit: number): Promise<SearchHit[]>;
  /** Drops all knowledge-base data and recreates the schema for this store's embedding identity. */
  reset(): Promise<void>;
  close(): Promise<void>;
}

// Raw rows, as both drivers return them (bigint may arrive as a string from `pg`).
interface DocumentRow {
  id: number | string;
  source: string;
  title: string;
  content_hash: string;
  chunk_count: number | string;
  missing_embeddings: number | string;
  created_at: Date;
  updated_at: Date;
}
interface ChunkRow {
  id: number | string;
  document_id: number | string;
  source: string;
  ordinal: number;
  heading_path: string;
  text: string;
  token_count: number;
  content_hash: string;
  has_embedding: boolean;
}
interface HitRow {
  id: number | string;
  document_id: number | string;
  title: string;
  source: string;
  heading_path: string;
  text: string;
  token_count: number | string;
  score: number | string | null;
  matched?: string[] | null;
}
interface MetaRow {
  embedding_model: string;
  embedding_dimensions: number;
}

// Every write to a knowledge base from this process (any store instance, any route bundle: hence
// globalThis) counts here, so a cached status can tell it is out of date.
const writes = globalThis as typeof globalThis & { __chutesChatKbWrites?: number };

/** How many knowledge-base writes this process has made (or attempted): changes after each one. */
export function kbWriteGeneration(): number {
  return writes.__chutesChatKbWrites ?? 0;
}

function afterWrite<T>(work: Promise<T>): Promise<T> {
  return work.finally(() => {
    writes.__chutesChatKbWrites = kbWriteGeneration() + 1;
  });
}

const INSERT_BATCH = 200;
const LOOKUP_BATCH = 500;

export function createKbStore(options: KbStoreOptions): KbStore {
  const identity: EmbeddingIdentity = { ...options.embedding };
  const language = options.textSearchLanguage ?? DEFAULT_TEXT_SEARCH_LANGUAGE;
  if (!/^[a-z_]+$/.test(language)) throw new Error(`Invalid text-search language "${language}"`);
  let executor: Promise<Executor> | undefined;
  let migrated: Promise<number> | undefined;
  let closed = false;

  const open = (): Promise<Executor> => {
    if (closed) return Promise.reject(new Error("The knowledge-base store is closed."));
    executor ??= (async () => {
      if (options.driver === "postgres") {
        return openPostgres({
          connectionString: options.connectionString,
          ...(options.poolSize === undefined ? {} : { poolSize: options.poolSize }),
        });
      }
      return openPglite({
        ...(options.dataDir === undefined ? {} : { dataDir: options.dataDir }),
        ...(options.db === undefined ? {} : { db: options.db }),
      });
    })().catch((error: unknown) => {
      executor = undefined;
      throw error;
    });
    return executor;
  };

  const migrate = (): Promise<number> => {
    migrated ??= open()
      .then(async (db) => {
        const applied = await runMigrations(db, identity);
        await applyTextSearchLanguage(db, language);
        await ensureStoredSearches(db);
        return applied;
      })
      .catch((error: unknown) => {
        migrated = undefined; // let a later call retry (e.g. once the server is up)
        throw error;
      });
    return migrated;
  };

  const ready = async (): Promise<Executor> => {
    await migrate();
    return open();
  };

  const readMeta = async (db: Queryable): Promise<EmbeddingIdentity | null> => {
    const [row] = await db.query<MetaRow>(
      "SELECT embedding_model, embedding_dimensions FROM kb_meta WHERE id = 1",
    );
    return row ? { model: row.embedding_model, dimensions: Number(row.embedding_dimensions) } : null;
  };

  const store: KbStore = {
    driver: options.driver,
    embedding: identity,
    migrate,

    async getMeta() {
      return readMeta(await ready());
    },

    async assertCompatible() {
      assertSameIdentity(await store.getMeta(), identity);
    },

    async status() {
      const db = await ready();
      const [row] = await db.query<MetaRow & { has_chunks: boolean; has_embeddings: boolean }>(
        `SELECT m.embedding_model, m.embedding_dimensions,
                EXISTS (SELECT 1 FROM kb_chunks) AS has_chunks,
                EXISTS (SELECT 1 FROM kb_chunks WHERE embedding IS NOT NULL) AS has_embeddings
           FROM (SELECT 1) AS one LEFT JOIN kb_meta m ON m.id = 1`,
      );
      return {
        meta:
          row?.embedding_model == null
            ? null
            : { model: row.embedding_model, dimensions: Number(row.embedding_dimensions) },
        hasChunks: Boolean(row?.has_chunks),
        hasEmbeddings: Boolean(row?.has_embeddings),
      };
    },

    async stats() {
      const db = await ready();
      const [row] = await db.query<{
        documents: number | string;
        chunks: number | string;
        embedded: number | string;
      }>(
        `SELECT (SELECT count(*) FROM kb_documents) AS documents,
                (SELECT count(*) FROM kb_chunks) AS chunks,
                (SELECT count(*) FROM kb_chunks WHERE embedding IS NOT NULL) AS embedded`,
      );
      return {
        documents: Number(row?.documents ?? 0),
        chunks: Number(row?.chunks ?? 0),
        embeddedChunks: Number(row?.embedded ?? 0),
      };
    },

    async listDocuments() {
      const db = await ready();
      const rows = await db.query<DocumentRow>(
        `SELECT d.id, d.source, d.title, d.content_hash, d.created_at, d.updated_at,
                count(c.id) AS chunk_count,
                count(c.id) FILTER (WHERE c.embedding IS NULL) AS missing_embeddings
           FROM kb_documents d LEFT JOIN kb_chunks c ON c.document_id = d.id
          GROUP BY d.id
          ORDER BY d.source`,
      );
      return rows.map((r) => ({
        id: Number(r.id),
        source: r.source,
        title: r.title,
        contentHash: r.content_hash,
        chunkCount: Number(r.chunk_count),
        missingEmbeddings: Number(r.missing_embeddings),
        createdAt: r.created_at,
        updatedAt: r.updated_at,
      }));
    },

    async listChunks(documentId) {
      const db = await ready();
      const rows = await db.query<ChunkRow>(
        `SELECT c.id, c.document_id, d.source, c.ordinal, c.heading_path, c.text, c.token_count, c.content_hash,
                c.embedding IS NOT NULL AS has_embedding
           FROM kb_chunks c JOIN kb_documents d ON d.id = c.document_id
          WHERE $1::bigint IS NULL OR c.document_id = $1::bigint
          ORDER BY d.source, c.ordinal`,
        [documentId ?? null],
      );
      return rows.map((r) => ({
        id: Number(r.id),
        documentId: Number(r.document_id),
        source: r.source,
        ordinal: Number(r.ordinal),
        headingPath: r.heading_path,
        text: r.text,
        tokenCount: Number(r.token_count),
        contentHash: r.content_hash,
        hasEmbedding: Boolean(r.has_embedding),
      }));
    },

    async findEmbeddings(contentHashes) {
      const found = new Map<string, number[]>();
      const unique = [...new Set(contentHashes)];
      if (unique.length === 0) return found;
      const db = await ready();
      for (let i = 0; i < unique.length; i += LOOKUP_BATCH) {
        const rows = await db.query<{ content_hash: string; embedding: string }>(
          `SELECT DISTINCT ON (content_hash) content_hash, embedding::text AS embedding
             FROM kb_chunks
            WHERE content_hash = ANY ($1::text[]) AND embedding IS NOT NULL`,
          [unique.slice(i, i + LOOKUP_BATCH)],
        );
        for (const row of rows) found.set(row.content_hash, parseVector(row.embedding));
      }
      return found;
    },

    async writeDocument(document) {
      // Validate before touching the database, so a bad vector can't abort the transaction half-way.
      // Binary, as for a search: a dense vector's decimal literal cost PGlite ~2.5 ms to parse.
      const vectors = document.chunks.map((chunk) =>
        chunk.embedding === null ? null : vectorParam(checkedVector(chunk.embedding, identity)),
      );
      const db = await ready();
      return afterWrite(
        db.transaction(async (tx) => {
          const [doc] = await tx.query<{ id: number | string }>(
            `INSERT INTO kb_documents (source, title, content_hash) VALUES ($1, $2, $3)
           ON CONFLICT (source) DO UPDATE
             SET title = EXCLUDED.title, content_hash = EXCLUDED.content_hash, updated_at = now()
           RETURNING id`,
            [document.source, document.title, document.contentHash],
          );
          if (!doc) throw new Error(`Could not write document ${document.source}`);
          const documentId = Number(doc.id);
          await tx.query("DELETE FROM kb_chunks WHERE document_id = $1", [documentId]);
          for (let i = 0; i < document.chunks.length; i += INSERT_BATCH) {
            const batch = document.chunks.slice(i, i + INSERT_BATCH);
            // One parameter per vector ($9...): a binary value cannot be an element of an array parameter.
            const embeddings = batch.map((_, j) => `$${9 + j}::vector`).join(", ");
            // The heading path is indexed too (weight A: its terms count twice in BM25).
            await tx.query(
              `INSERT INTO kb_chunks (document_id, ordinal, heading_path, text, token_count, content_hash, embedding,
                                    tsv, exact_terms, lex_len)
             SELECT $1, u.ordinal, u.heading_path, u.text, u.token_count, u.content_hash, u.embedding,
                    v.tsv, v.exact, coalesce((SELECT sum(p.tf) FROM kb_chunk_postings(v.tsv, v.exact) p), 0)
               FROM unnest($2::int[], $3::text[], $4::text[], $5::int[], $6::text[], ARRAY[${embeddings}]::vector[],
                           $7::text[])
                    AS u (ordinal, heading_path, text, token_count, content_hash, embedding, exact),
                    LATERAL (SELECT ${tsvSql("u.heading_path", "u.text", "$8")} AS tsv,
                                    string_to_array(u.exact, ' ') AS exact) AS v`,
              [
                documentId,
                batch.map((c) => c.ordinal),
                batch.map((c) => c.headingPath),
                batch.map((c) => c.text),
                batch.map((c) => c.tokenCount),
                batch.map((c) => c.contentHash),
                batch.map((c) => exactTerms(`${c.headingPath}\n${c.headingPath}\n${c.text}`).join(" ")),
                language,
                ...vectors.slice(i, i + INSERT_BATCH),
              ],
            );
          }
          return { documentId };
        }),
      );
    },

    async deleteDocuments(ids) {
      if (ids.length === 0) return 0;
      const db = await ready();
      const rows = await afterWrite(
        db.query<{ id: number | string }>(
          "DELETE FROM kb_documents WHERE id = ANY ($1::bigint[]) RETURNING id",
          [[...ids]],
        ),
      );
      return rows.length;
    },

    async searchVector(embedding, limit) {
      const query = vectorParam(checkedVector(embedding, identity));
      const db = await ready();
      return (await db.query<HitRow>(VECTOR_SEARCH.call, [query, limit])).map(toHit);
    },

    async searchText(query, limit) {
      const words = queryWords(query);
      if (words.length === 0) return [];
      const exact = exactQueryTerms(words);
      const db = await ready();
      const rows = await db.query<HitRow>(TEXT_SEARCH.call, [
        words,
        exact.from,
        limit,
        language,
        exact.terms,
      ]);
      return rows.map(toHit);
    },

    async reset() {
      const db = await open();
      await afterWrite(resetSchema(db, identity));
      await applyTextSearchLanguage(db, language);
      await ensureStoredSearches(db);
      migrated = Promise.resolve(0);
    },

    async close() {
      if (closed) return;
      closed = true;
      const pending = executor;
      executor = undefined;
      migrated = undefined;
      if (pending) await (await pending.catch(() => undefined))?.close();
    },
  };
  return store;
}

export function assertSameIdentity(stored: EmbeddingIdentity | null, configured: EmbeddingIdentity): void {
  if (!stored) return;
  if (stored.model !== configured.model || stored.dimensions !== configured.dimensions) {
    throw new KbMismatchError(stored, configured);
  }
}

/** The tsvector of a chunk: heading path (weight A) and text (weight B); slashes split paths into words. */
function tsvSql(heading: string, text: string, language: string): string {
  return `setweight(to_tsvector(${language}::regconfig, translate(${heading}, '/', ' ')), 'A') ||
          setweight(to_tsvector(${language}::regconfig, translate(${text}, '/', ' ')), 'B')`;
}

/** The question's exact terms, each with the word it came from (parallel arrays for unnest). */
function exactQueryTerms(words: string[]): { from: string[]; terms: string[] } {
  const from: string[] = [];
  const terms: string[] = [];
  for (const word of words) {
    for (const term of exactTerms(word)) {
      from.push(word);
      terms.push(term);
    }
  }
  return { from, terms };
}

/**
 * Makes the stored full-text index match `language`: a knowledge base indexed with another language is
 * re-indexed once (statistics follow through the update trigger), then kb_meta records the new one.
 */
async function applyTextSearchLanguage(db: Executor, language: string): Promise<void> {
  const [row] = await db.query<{ text_search_language: string }>(
    "SELECT text_search_language FROM kb_meta WHERE id = 1",
  );
  if (!row || row.text_search_language === language) return;
  await db.transaction(async (tx) => {
    await tx.query(
      `UPDATE kb_chunks c
          SET tsv = v.tsv, lex_len = coalesce((SELECT sum(p.tf) FROM kb_chunk_postings(v.tsv, c.exact_terms) p), 0)
         FROM (SELECT id, ${tsvSql("heading_path", "text", "$1")} AS tsv FROM kb_chunks) AS v
        WHERE v.id = c.id`,
      [language],
    );
    await tx.query("UPDATE kb_meta SET text_search_language = $1 WHERE id = 1", [language]);
  });
}

function toHit(row: HitRow): SearchHit {
  return {
    chunkId: Number(row.id),
    documentId: Number(row.document_id),
    title: row.title,
    source: row.source,
    headingPath: row.heading_path,
    text: row.text,
    tokenCount: Number(row.token_count),
    score: Number(row.score ?? 0),
    ...(row.matched ? { matchedTerms: row.matched } : {}),
  };
}

function checkedVector(vector: readonly number[], identity: EmbeddingIdentity): readonly number[] {
  if (vector.length !== identity.dimensions) {
    throw new EmbeddingDimensionError(identity.dimensions, vector.length, identity.model);
  }
  for (const value of vector) {
    if (!Number.isFinite(value)) throw new Error("An embedding contains a non-finite number.");
  }
  return vector;
}

function parseVector(literal: string): number[] {
  return literal
    .slice(1, -1)
    .split(",")
    .map((v) => Number(v));
}

// ---------------------------------------------------------------------------------------------------------
// The application's store, from configuration

export function embeddingIdentityFromConfig(config: AppConfig): EmbeddingIdentity {
  return { model: config.CHUTES_EMBEDDING_MODEL, dimensions: config.CHUTES_EMBEDDING_DIMENSIONS };
}

/** Store options for the configured database: DATABASE_URL (server PostgreSQL) or PGlite in DATA_DIR. */
export function storeOptionsFromConfig(
  config: AppConfig,
  overrides: { poolSize?: number } = {},
): KbStoreOptions {
  const embedding = embeddingIdentityFromConfig(config);
  if (config.DATABASE_URL) {
    return {
      driver: "postgres",
      embedding,
      textSearchLanguage: config.RAG_TEXT_SEARCH_LANGUAGE,
      connectionString: config.DATABASE_URL,
      ...(overrides.poolSize === undefined ? {} : { poolSize: overrides.poolSize }),
    };
  }
  return {
    driver: "pglite",
    embedding,
    textSearchLanguage: config.RAG_TEXT_SEARCH_LANGUAGE,
    dataDir: resolve(config.DATA_DIR, PGLITE_SUBDIR),
  };
}

// One store per process, kept on globalThis so Next's dev-mode module reloads don't open the database again.
const g = globalThis as typeof globalThis & { __chutesChatKbStores?: Map<string, KbStore> };

/** The application's shared store (created on first use, never closed). */
export function getKbStore(config: AppConfig = getConfig()): KbStore {
  const options = storeOptionsFromConfig(config);
  const location = options.driver === "postgres" ? options.connectionString : (options.dataDir ?? "memory");
  const key = `${options.driver}|${location}|${options.embedding.model}|${options.embedding.dimensions}|${options.textSearchLanguage}`;
  g.__chutesChatKbStores ??= new Map();
  let store = g.__chutesChatKbStores.get(key);
  if (!store) {
    store = createKbStore(options);
    g.__chutesChatKbStores.set(key, store);
  }
  return store;
}
