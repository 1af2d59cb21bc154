import "server-only";
import { createHash } from "node:crypto";
import type { Executor } from "./db.ts";
import { withSchemaLock } from "./migrations.ts";
import {
  BM25_B,
  BM25_K1,
  TEXT_COMMON_TERM_MIN_CHUNKS,
  TEXT_COMMON_TERM_SHARE,
  TEXT_RERANK_FACTOR,
} from "./settings.ts";

// The knowledge base's two searches, kept in the database as PL/pgSQL functions. A statement sent as text
// is parsed, analysed and planned again on every call: for the full-text search that was half its time in
// PGlite (docs/: 5.2 ms p50 as a statement, 4.4 with its parse kept, 2.5 with its plan kept too). A
// function's query is prepared once per connection and its plan kept, and the functions' SET clauses
// replace the transaction a server needed for its settings: one round trip instead of four.
//
// A function's name carries a hash of its definition, so a changed search is a new function: processes of
// two versions sharing a server database each call their own (the older one stays behind, unused).

export interface SearchSpec {
  base: string;
  /** Argument types, referred to as $1..$n in `query` (as in a plain statement). */
  args: readonly string[];
  /** The result columns, name and type (the query's must match them exactly). */
  returns: string;
  /** Settings in force while the search runs (restored when it ends). */
  settings: Readonly<Record<string, string>>;
  /** PL/pgSQL statements run before the query. */
  prologue?: string;
  query: string;
}

export interface StoredSearch extends SearchSpec {
  /** The function's name, e.g. kb_search_text_0123456789ab. */
  readonly name: string;
  /** name(argument types), as to_regprocedure reads it. */
  readonly signature: string;
  /** CREATE OR REPLACE FUNCTION ... */
  readonly definition: string;
  /** SELECT * FROM name($1, ..., $n): the search, with its arguments as parameters. */
  readonly call: string;
}

/**
 * CREATE OR REPLACE FUNCTION `name` with the search's arguments, settings and prologue, returning
 * `returns` from the PL/pgSQL `statements` (the search itself, or a benchmark's EXPLAIN of it).
 */
export function searchFunction(name: string, spec: SearchSpec, returns: string, statements: string): string {
  return `CREATE OR REPLACE FUNCTION ${name}(${spec.args.join(", ")})
  RETURNS ${returns}
  LANGUAGE plpgsql
  ${Object.entries(spec.settings)
    .map(([setting, value]) => `SET ${setting} = ${value}`)
    .join("\n  ")}
AS $search$
#variable_conflict use_column
BEGIN
  ${spec.prologue ?? ""}
  ${statements}
END
$search$`;
}

function storedSearch(spec: SearchSpec): StoredSearch {
  const define = (name: string) =>
    searchFunction(name, spec, `TABLE (${spec.returns})`, `RETURN QUERY ${spec.query};`);
  const hash = createHash("sha256").update(define(spec.base)).digest("hex").slice(0, 12);
  const name = `${spec.base}_${hash}`;
  return {
    ...spec,
    name,
    signature: `${name}(${spec.args.join(",")})`,
    definition: define(name),
    call: `SELECT * FROM ${name}(${spec.args.map((_, i) => `$${i + 1}`).join(", ")})`,
  };
}

/** Creates the functions this version searches with, where they are missing (one lookup when none is). */
export async function ensureStoredSearches(
  db: Executor,
  searches: readonly StoredSearch[] = STORED_SEARCHES,
): Promise<void> {
  const missing = async (q: Pick<Executor, "query">) =>
    (
      await q.query<{ signature: string }>(
        "SELECT s AS signature FROM unnest($1::text[]) AS s WHERE to_regprocedure(s) IS NULL",
        [searches.map((s) => s.signature)],
      )
    ).map((row) => row.signature);
  if ((await missing(db)).length === 0) return;
  await withSchemaLock(db, async (tx) => {
    const absent = new Set(await missing(tx));
    for (const search of searches) if (absent.has(search.signature)) await tx.query(search.definition);
  });
}

// Both searches run on one plan made at their first call on a connection (the generic plan: planning the
// full-text search took 2-3 ms of each call in PGlite, its execution 2-3 ms). That plan knows neither the
// arguments nor how large the tables will grow (it is kept while an ingest adds 100k chunks), so it must
// depend on neither: every lookup (a term's statistics and postings, a hit's chunk and document) is a key
// lookup fenced by OFFSET 0, which the planner cannot turn into a join reading a whole table (expecting
// a tenth of a table for a LIMIT $n, it would: at 10k chunks, 21 ms of 33), and sequential scans are off
// (for a table of one page the planner prefers one, kept when the table has 10k rows).
// JIT off: a server's planner estimates the searches from kb_postings' size (millions of rows), over
// jit_above_cost, while the one-time filters and key lookups make them run in a few ms; compiling them
// took 60-110 ms of a 100k-chunk search on PostgreSQL 15. (PGlite has no JIT: harmless there.)
const ONE_PLAN = { plan_cache_mode: "force_generic_plan", enable_seqscan: "off", jit: "off" } as const;

/** Result columns of both searches (the store's hit rows). */
const HIT_COLUMNS = `id bigint, document_id bigint, title text, source text, heading_path text, text text,
                   token_count integer, score double precision`;

/**
 * Nearest chunks by cosine distance: ($1 the question's vector, $2 how many). HNSW returns at most
 * hnsw.ef_search rows (default 40): it is raised to the requested limit. With fresh statistics the
 * planner may prefer an exact scan of every row over the index (cheaper on paper for a small table,
 * ruinous for a large one): with sequential scans off, the index is always used.
 */
export const VECTOR_SEARCH = storedSearch({
  base: "kb_search_vector",
  args: ["vector", "integer"],
  returns: HIT_COLUMNS,
  settings: ONE_PLAN,
  prologue: "PERFORM set_config('hnsw.ef_search', greatest(40, $2)::text, true);",
  query: `SELECT nn.id, nn.document_id, d.title, d.source, nn.heading_path, nn.text, nn.token_count,
         1 - nn.distance AS score
    FROM (SELECT id, document_id, heading_path, text, token_count, embedding <=> $1 AS distance
            FROM kb_chunks
           ORDER BY embedding <=> $1
           LIMIT $2) AS nn,
         LATERAL (SELECT y.title, y.source FROM kb_documents y WHERE y.id = nn.document_id OFFSET 0) AS d
   WHERE nn.distance IS NOT NULL
   ORDER BY nn.distance, nn.id`,
});

const k1 = `${BM25_K1 + 1}::float8`;
const term = "w.idf * p.tf / (p.tf + corpus.c1 + corpus.c2 * p.len)";

/**
 * Full-text search, BM25: ($1 the question's words, $2 and $5 its exact terms and the word each came
 * from, $3 how many, $4 the text-search language). Only the postings of the question's terms are read;
 * the corpus size and average length come from kb_corpus, so no query scans every chunk. Ties in BM25
 * fall to the lower chunk id (stable order). A term in a large share of the chunks ("common": "the" of a
 * corpus, its product name) has postings in nearly every chunk but an IDF near 0. Only the chunks holding
 * one of the question's rarer terms (if all are common, its rarest) are candidates, and common terms are
 * scored for them by key. That is exact as long as the weakest candidate kept outscores the most a chunk
 * with common terms alone can get, (k1 + 1) × the sum of their IDFs; otherwise (checked in the query)
 * every posting is scored.
 */
export const TEXT_SEARCH = storedSearch({
  base: "kb_search_text",
  args: ["text[]", "text[]", "integer", "text", "text[]"],
  returns: `${HIT_COLUMNS}, matched text[]`,
  settings: ONE_PLAN,
  query: `WITH words AS (
     SELECT DISTINCT w.word, l.lexeme
       FROM unnest($1::text[]) AS w (word),
            LATERAL unnest(tsvector_to_array(to_tsvector($4::regconfig, w.word))) AS l (lexeme)
     UNION
     SELECT e.word, '=' || e.term FROM unnest($2::text[], $5::text[]) AS e (word, term)
   ),
   corpus AS (
     -- BM25's denominator is tf + k1 (1 - b) + (k1 b / avglen) len: two constants per query.
     SELECT greatest(chunks, 1)::float8 AS n,
            ${BM25_K1 * (1 - BM25_B)}::float8 AS c1,
            ${BM25_K1 * BM25_B}::float8 / greatest(total_length::float8 / greatest(chunks, 1), 1) AS c2,
            greatest(${TEXT_COMMON_TERM_MIN_CHUNKS}, chunks * ${TEXT_COMMON_TERM_SHARE}::float8) AS common_df
       FROM kb_corpus WHERE id = 1
   ),
   terms AS (
     SELECT t.lexeme, t.df, ln(1 + (corpus.n - t.df::float8 + 0.5) / (t.df::float8 + 0.5)) AS idf
       FROM (SELECT DISTINCT lexeme FROM words) AS q,
            LATERAL (SELECT k.lexeme, k.df FROM kb_terms k WHERE k.lexeme = q.lexeme OFFSET 0) AS t, corpus
   ),
   -- A common term is looked up only for the candidates. When every term of the question is common,
   -- the rarest picks the candidates: the bound below still decides whether that is exact.
   weights AS (
     SELECT t.lexeme, t.idf,
            t.df > corpus.common_df
            AND EXISTS (SELECT 1 FROM terms r
                         WHERE r.df < t.df OR (r.df = t.df AND r.lexeme < t.lexeme)) AS common
       FROM terms t, corpus
   ),
   -- OFFSET 0 keeps each term's postings an index lookup whatever the planner's statistics say
   -- (a join could read all of kb_postings, common terms included).
   -- Each chunk keeps the lexemes it was found by: the words it matched, without a lookup per word.
   candidates AS (
     SELECT p.chunk_id, sum(${term}) AS part, array_agg(w.lexeme) AS lexemes
       FROM weights w,
            LATERAL (SELECT chunk_id, tf, len FROM kb_postings x WHERE x.lexeme = w.lexeme OFFSET 0)
              AS p (chunk_id, tf, len),
            corpus
      WHERE NOT w.common
      GROUP BY p.chunk_id
   ),
   -- MaxScore: a common term adds less than its IDF to a chunk, and the N-th best score is at least
   -- the N-th best rare-terms part, so a candidate whose part plus all the common IDFs stays below
   -- that cannot be among the N best: its common terms are not looked up.
   reach AS (
     SELECT coalesce((SELECT part FROM candidates ORDER BY part DESC
                       LIMIT 1 OFFSET $3 * ${TEXT_RERANK_FACTOR} - 1), 0)
            - coalesce((SELECT sum(idf) FROM weights WHERE common), 0) AS least_part
   ),
   pruned AS (
     SELECT c.chunk_id, ${k1} * (c.part + coalesce(common.part, 0)) AS bm25,
            c.lexemes || coalesce(common.lexemes, '{}') AS lexemes
       FROM candidates c,
            LATERAL (SELECT sum(${term}) AS part, array_agg(w.lexeme) AS lexemes
                       FROM weights w,
                            LATERAL (SELECT tf, len FROM kb_postings x
                                      WHERE x.lexeme = w.lexeme AND x.chunk_id = c.chunk_id OFFSET 0)
                              AS p (tf, len),
                            corpus
                      WHERE w.common) AS common
      WHERE c.part >= (SELECT least_part FROM reach)
      ORDER BY bm25 DESC, c.chunk_id
      LIMIT $3 * ${TEXT_RERANK_FACTOR}
   ),
   bound AS (
     SELECT NOT EXISTS (SELECT 1 FROM weights WHERE common)
            OR ((SELECT count(*) FROM pruned) = $3 * ${TEXT_RERANK_FACTOR}
                AND (SELECT min(bm25) FROM pruned) > ${k1} * (SELECT sum(idf) FROM weights WHERE common))
            AS exact
   ),
   scored AS (
     SELECT chunk_id, bm25, lexemes FROM pruned WHERE (SELECT exact FROM bound)
     UNION ALL
     -- Runs only when the bound does not hold (a gating one-time filter).
     SELECT chunk_id, bm25, lexemes FROM (
       SELECT p.chunk_id, ${k1} * sum(${term}) AS bm25, array_agg(w.lexeme) AS lexemes
         FROM weights w,
              LATERAL (SELECT chunk_id, tf, len FROM kb_postings x WHERE x.lexeme = w.lexeme OFFSET 0)
                AS p (chunk_id, tf, len),
              corpus
        GROUP BY p.chunk_id
        ORDER BY bm25 DESC, p.chunk_id
        LIMIT $3 * ${TEXT_RERANK_FACTOR}
     ) AS everything
      WHERE NOT (SELECT exact FROM bound)
   )
   SELECT c.id, c.document_id, d.title, d.source, c.heading_path, c.text, c.token_count,
          s.bm25 / (1 + ln((SELECT count(*) FROM kb_chunks k WHERE k.text_md5 = c.text_md5))) AS score,
          ARRAY(SELECT DISTINCT wd.word FROM words wd WHERE wd.lexeme = ANY (s.lexemes) ORDER BY wd.word)
            AS matched
     FROM scored s,
          LATERAL (SELECT x.id, x.document_id, x.heading_path, x.text, x.token_count, x.text_md5
                     FROM kb_chunks x WHERE x.id = s.chunk_id OFFSET 0) AS c,
          LATERAL (SELECT y.title, y.source FROM kb_documents y WHERE y.id = c.document_id OFFSET 0) AS d
    ORDER BY score DESC, c.id
    LIMIT $3`,
});

const STORED_SEARCHES = [VECTOR_SEARCH, TEXT_SEARCH];
