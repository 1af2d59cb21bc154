import "server-only";
import type { Executor, Queryable } from "./db.ts";
import { type EmbeddingIdentity, PGVECTOR_INSTALL_HINT, PgvectorMissingError } from "./errors.ts";
import { HNSW_MAX_DIMENSIONS } from "./settings.ts";

// Schema migrations of the knowledge base: the same statements for PGlite and server PostgreSQL. They are
// applied in one transaction under an advisory lock (so concurrent processes don't race) and recorded in
// kb_migrations, which makes applying them idempotent. Append new migrations; never edit applied ones.

export interface Statement {
  sql: string;
  params?: unknown[];
}

export interface Migration {
  id: number;
  name: string;
  needsPgvector?: boolean;
  statements(identity: EmbeddingIdentity): Statement[];
}

export const MIGRATIONS: readonly Migration[] = [
  {
    id: 1,
    name: "knowledge base: documents, chunks (pgvector + full text), embedding model record",
    needsPgvector: true,
    statements: ({ model, dimensions }) => {
      if (!Number.isInteger(dimensions) || dimensions < 1 || dimensions > 16000) {
        throw new Error(`Invalid embedding dimension ${dimensions}`);
      }
      // Full text: slashes become spaces so that "BAAI/bge-m3" or "docs/ingest.md" index their parts
      // (PostgreSQL's parser would keep them as one path token that no word query matches).
      const statements: Statement[] = [
        { sql: "CREATE EXTENSION IF NOT EXISTS vector" },
        {
          sql: `CREATE TABLE kb_documents (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            source text NOT NULL UNIQUE,
            title text NOT NULL,
            content_hash text NOT NULL,
            created_at timestamptz NOT NULL DEFAULT now(),
            updated_at timestamptz NOT NULL DEFAULT now()
          )`,
        },
        {
          sql: `CREATE TABLE kb_chunks (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            document_id bigint NOT NULL REFERENCES kb_documents (id) ON DELETE CASCADE,
            ordinal integer NOT NULL,
            heading_path text NOT NULL DEFAULT '',
            text text NOT NULL,
            token_count integer NOT NULL,
            content_hash text NOT NULL,
            embedding vector(${dimensions}),
            tsv tsvector GENERATED ALWAYS AS (
              setweight(to_tsvector('english'::regconfig, translate(heading_path, '/', ' ')), 'A') ||
              setweight(to_tsvector('english'::regconfig, translate(text, '/', ' ')), 'B')
            ) STORED,
            UNIQUE (document_id, ordinal)
          )`,
        },
        { sql: "CREATE INDEX kb_chunks_tsv_gin ON kb_chunks USING gin (tsv)" },
        { sql: "CREATE INDEX kb_chunks_content_hash ON kb_chunks (content_hash)" },
        // Lets "is anything embedded?" answer without scanning a text-only knowledge base.
        { sql: "CREATE INDEX kb_chunks_embedded ON kb_chunks (id) WHERE embedding IS NOT NULL" },
        {
          sql: `CREATE TABLE kb_meta (
            id smallint PRIMARY KEY DEFAULT 1 CHECK (id = 1),
            embedding_model text NOT NULL,
            embedding_dimensions integer NOT NULL CHECK (embedding_dimensions > 0),
            created_at timestamptz NOT NULL DEFAULT now()
          )`,
        },
        {
          sql: "INSERT INTO kb_meta (embedding_model, embedding_dimensions) VALUES ($1, $2)",
          params: [model, dimensions],
        },
      ];
      // pgvector's HNSW supports up to 2000 dimensions for `vector`; above that, search is exact (seq scan).
      if (dimensions <= HNSW_MAX_DIMENSIONS) {
        statements.push({
          sql: "CREATE INDEX kb_chunks_embedding_hnsw ON kb_chunks USING hnsw (embedding vector_cosine_ops)",
        });
      }
      return statements;
    },
  },
  {
    id: 2,
    name: "BM25 term statistics (postings, document frequency, corpus length), exact terms, duplicate texts",
    statements: () => [
      // The tsvector is written by the store with the configured text-search language (kb_meta records it),
      // so it stops being a generated column; existing values are kept.
      { sql: "ALTER TABLE kb_chunks ALTER COLUMN tsv DROP EXPRESSION" },
      // Searches read kb_postings now; the GIN index would only slow every write down.
      { sql: "DROP INDEX IF EXISTS kb_chunks_tsv_gin" },
      { sql: "ALTER TABLE kb_meta ADD COLUMN text_search_language text NOT NULL DEFAULT 'english'" },
      // Identifiers as written ("und_err_socket", "node:sqlite"), which the text parser splits apart.
      { sql: "ALTER TABLE kb_chunks ADD COLUMN exact_terms text[] NOT NULL DEFAULT '{}'" },
      // BM25 document length: weighted term occurrences (heading terms count twice), exact terms included.
      { sql: "ALTER TABLE kb_chunks ADD COLUMN lex_len integer NOT NULL DEFAULT 0" },
      // Repeated boilerplate is found by its text; md5 is only a grouping key here.
      { sql: "ALTER TABLE kb_chunks ADD COLUMN text_md5 text GENERATED ALWAYS AS (md5(text)) STORED" },
      { sql: "CREATE INDEX kb_chunks_text_md5 ON kb_chunks (text_md5)" },
      {
        // One row per (term, chunk): what BM25 needs, and only the query's terms are read at search time.
        sql: `CREATE TABLE kb_postings (
          lexeme text NOT NULL,
          chunk_id bigint NOT NULL,
          tf real NOT NULL,
          len integer NOT NULL,
          PRIMARY KEY (lexeme, chunk_id)
        )`,
      },
      { sql: "CREATE INDEX kb_postings_chunk ON kb_postings (chunk_id)" },
      { sql: "CREATE TABLE kb_terms (lexeme text PRIMARY KEY, df integer NOT NULL)" },
      {
        sql: `CREATE TABLE kb_corpus (
          id smallint PRIMARY KEY DEFAULT 1 CHECK (id = 1),
          chunks bigint NOT NULL DEFAULT 0,
          total_length bigint NOT NULL DEFAULT 0
        )`,
      },
      { sql: "INSERT INTO kb_corpus (id, chunks) SELECT 1, count(*) FROM kb_chunks" },
      // The postings of a set of chunk rows: english (or configured) lexemes, heading occurrences weighted 2,
      // plus exact terms prefixed with '=' so they never collide with a stemmed lexeme.
      {
        sql: `CREATE OR REPLACE FUNCTION kb_chunk_postings(tsv tsvector, exact_terms text[])
          RETURNS TABLE (lexeme text, tf real) LANGUAGE sql IMMUTABLE AS $$
            SELECT t.lexeme, (cardinality(t.positions) + cardinality(array_positions(t.weights, 'A')))::real
              FROM unnest(tsv) AS t
            UNION ALL
            SELECT '=' || e.term, count(*)::real FROM unnest(exact_terms) AS e (term) GROUP BY e.term
          $$`,
      },
      {
        sql: `CREATE OR REPLACE FUNCTION kb_stats_add() RETURNS trigger LANGUAGE plpgsql AS $$
          BEGIN
            INSERT INTO kb_postings (lexeme, chunk_id, tf, len)
              SELECT p.lexeme, n.id, p.tf, n.lex_len FROM kb_new_rows n, LATERAL kb_chunk_postings(n.tsv, n.exact_terms) p
              ON CONFLICT (lexeme, chunk_id) DO NOTHING;
            INSERT INTO kb_terms (lexeme, df)
              SELECT p.lexeme, count(*) FROM kb_postings p JOIN kb_new_rows n ON n.id = p.chunk_id GROUP BY p.lexeme
              ON CONFLICT (lexeme) DO UPDATE SET df = kb_terms.df + EXCLUDED.df;
            UPDATE kb_corpus SET chunks = chunks + (SELECT count(*) FROM kb_new_rows),
                                 total_length = total_length + (SELECT coalesce(sum(lex_len), 0) FROM kb_new_rows);
            RETURN NULL;
          END $$`,
      },
      {
        sql: `CREATE OR REPLACE FUNCTION kb_stats_remove() RETURNS trigger LANGUAGE plpgsql AS $$
          BEGIN
            UPDATE kb_terms t SET df = t.df - d.n
              FROM (SELECT p.lexeme, count(*) AS n FROM kb_postings p JOIN kb_old_rows o ON o.id = p.chunk_id
                     GROUP BY p.lexeme) d
             WHERE t.lexeme = d.lexeme;
            DELETE FROM kb_terms WHERE df <= 0;
            DELETE FROM kb_postings p USING kb_old_rows o WHERE p.chunk_id = o.id;
            UPDATE kb_corpus SET chunks = chunks - (SELECT count(*) FROM kb_old_rows),
                                 total_length = total_length - (SELECT coalesce(sum(lex_len), 0) FROM kb_old_rows);
            RETURN NULL;
          END $$`,
      },
      {
        sql: `CREATE TRIGGER kb_chunks_stats_insert AFTER INSERT ON kb_chunks
                REFERENCING NEW TABLE AS kb_new_rows FOR EACH STATEMENT EXECUTE FUNCTION kb_stats_add()`,
      },
      {
        sql: `CREATE TRIGGER kb_chunks_stats_delete AFTER DELETE ON kb_chunks
                REFERENCING OLD TABLE AS kb_old_rows FOR EACH STATEMENT EXECUTE FUNCTION kb_stats_remove()`,
      },
      // An update (a re-index for another text-search language) is a removal then an addition:
      // the same two functions, in that order (PostgreSQL fires same-event triggers by name).
      {
        sql: `CREATE TRIGGER kb_chunks_stats_update_1_remove AFTER UPDATE ON kb_chunks
                REFERENCING OLD TABLE AS kb_old_rows FOR EACH STATEMENT EXECUTE FUNCTION kb_stats_remove()`,
      },
      {
        sql: `CREATE TRIGGER kb_chunks_stats_update_2_add AFTER UPDATE ON kb_chunks
                REFERENCING NEW TABLE AS kb_new_rows FOR EACH STATEMENT EXECUTE FUNCTION kb_stats_add()`,
      },
      // Chunks stored before this migration: their length, then their statistics (through the update trigger).
      {
        sql: `UPDATE kb_chunks c SET lex_len = coalesce(
                (SELECT sum(p.tf) FROM kb_chunk_postings(c.tsv, c.exact_terms) p), 0)`,
      },
    ],
  },
  {
    id: 3,
    name: "postings key covers tf and len (index-only BM25 reads)",
    statements: () => [
      // A search reads (tf, len) for every posting of the question's terms and for each candidate's
      // common terms; carried in the key's index, they need no visit to the table (index-only scans,
      // once vacuum has marked the pages all-visible). At 100k chunks on PostgreSQL: hybrid search
      // p50 18.7-19.1 -> 15.9-16.4 ms (bench/RESULTS.md), the index 170 -> 218 MB.
      {
        sql: `ALTER TABLE kb_postings DROP CONSTRAINT kb_postings_pkey,
                ADD CONSTRAINT kb_postings_pkey PRIMARY KEY (lexeme, chunk_id) INCLUDE (tf, len)`,
      },
    ],
  },
];

/** Tables owned by the knowledge base, dropped by a reset. */
const KB_TABLES = [
  "kb_chunks",
  "kb_documents",
  "kb_meta",
  "kb_migrations",
  "kb_postings",
  "kb_terms",
  "kb_corpus",
];
// Any constant works: it only has to be the same in every process that migrates this database.
const MIGRATION_LOCK_KEY = 7_362_816_254_001;

/** Applies pending migrations; returns how many were applied (0 when the schema is current). */
export async function runMigrations(
  db: Executor,
  identity: EmbeddingIdentity,
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<number> {
  if ((await pendingMigrations(db, migrations)).length === 0) return 0; // fast path, no lock
  return withSchemaLock(db, (tx) => applyPending(tx, identity, migrations));
}

/** Runs `fn` in a transaction holding the schema lock: one process at a time changes the schema. */
export function withSchemaLock<T>(db: Executor, fn: (tx: Queryable) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.query("SELECT pg_advisory_xact_lock($1::bigint)", [MIGRATION_LOCK_KEY]);
    return fn(tx);
  });
}

/** Drops every knowledge-base table and recreates the schema for `identity`, in one transaction. */
export async function resetSchema(
  db: Executor,
  identity: EmbeddingIdentity,
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<void> {
  await withSchemaLock(db, async (tx) => {
    await tx.query(`DROP TABLE IF EXISTS ${KB_TABLES.join(", ")} CASCADE`);
    await applyPending(tx, identity, migrations);
  });
}

async function pendingMigrations(db: Queryable, migrations: readonly Migration[]): Promise<Migration[]> {
  const [table] = await db.query<{ present: boolean }>(
    "SELECT to_regclass('kb_migrations') IS NOT NULL AS present",
  );
  if (!table?.present) return [...migrations];
  const rows = await db.query<{ id: number }>("SELECT id FROM kb_migrations");
  const applied = new Set(rows.map((r) => Number(r.id)));
  return migrations.filter((m) => !applied.has(m.id));
}

async function applyPending(
  tx: Queryable,
  identity: EmbeddingIdentity,
  migrations: readonly Migration[],
): Promise<number> {
  await tx.query(`CREATE TABLE IF NOT EXISTS kb_migrations (
    id integer PRIMARY KEY,
    name text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
  )`);
  const pending = await pendingMigrations(tx, migrations);
  for (const migration of pending) {
    if (migration.needsPgvector) await ensurePgvector(tx);
    for (const statement of migration.statements(identity)) await tx.query(statement.sql, statement.params);
    await tx.query("INSERT INTO kb_migrations (id, name) VALUES ($1, $2)", [migration.id, migration.name]);
  }
  return pending.length;
}

/** Checks that the `vector` extension exists or can be created, with an actionable error otherwise. */
async function ensurePgvector(tx: Queryable): Promise<void> {
  const [row] = await tx.query<{ installed: boolean; available: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'vector') AS installed,
            EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'vector') AS available`,
  );
  if (row?.installed) return;
  if (!row?.available) {
    throw new PgvectorMissingError(
      `The PostgreSQL server at DATABASE_URL has no pgvector extension (the "vector" extension is not available), ` +
        `which the knowledge base needs. ${PGVECTOR_INSTALL_HINT}`,
    );
  }
  try {
    await tx.query("CREATE EXTENSION IF NOT EXISTS vector");
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === "42501") {
      throw new PgvectorMissingError(
        "pgvector is installed on the PostgreSQL server, but the DATABASE_URL role may not enable it. " +
          "Ask a superuser to run `CREATE EXTENSION vector;` once in this database, then retry.",
      );
    }
    if (code === "0A000" || code === "58P01") {
      throw new PgvectorMissingError(
        `The PostgreSQL server could not load the pgvector extension (${(error as Error).message}). ${PGVECTOR_INSTALL_HINT}`,
      );
    }
    throw error;
  }
}
