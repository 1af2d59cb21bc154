import { type StoredSearch, searchFunction } from "../../src/lib/rag/storedSearches.ts";

/** Runs one statement on one database session (PREPARE lasts for the session) and returns its rows. */
export type SessionQuery = (sql: string, params?: unknown[]) => Promise<Record<string, unknown>[]>;

/**
 * EXPLAIN of a stored search's query as its function runs it: under the function's settings and prologue,
 * on the generic plan (the plan the function keeps), with `params` as the function's arguments.
 * `options` are EXPLAIN's, e.g. "ANALYZE" or "ANALYZE, FORMAT JSON" ("" for the plan alone). Returns the plan's lines (FORMAT
 * JSON: one line, the JSON text). Leaves nothing behind in the database.
 */
export async function explainStoredSearch(
  query: SessionQuery,
  search: StoredSearch,
  params: unknown[],
  options = "ANALYZE",
): Promise<string[]> {
  // A prepared statement of the same query, executed from a function with the same SET clauses: its
  // plan_cache_mode setting makes the EXECUTE use the generic plan, as the search's own function does.
  const name = `explain_${search.name}`;
  const args = search.args.map((_, i) => `$${i + 1}`).join(", ");
  const literals = search.args.map(() => "%L").join(", ");
  await query(`PREPARE ${name} (${search.args.join(", ")}) AS ${search.query}`);
  try {
    await query(
      searchFunction(
        name,
        search,
        /FORMAT\s+JSON/i.test(options) ? "SETOF json" : "SETOF text",
        `RETURN QUERY EXECUTE format('EXPLAIN ${options ? `(${options}) ` : ""}EXECUTE ${name} (${literals})', ${args});`,
      ),
    );
    const rows = await query(`SELECT line::text AS line FROM ${name}(${args}) AS line`, params);
    return rows.map((row) => String(row.line));
  } finally {
    await query(`DEALLOCATE ${name}`);
    await query(`DROP FUNCTION IF EXISTS ${name}(${search.args.join(", ")})`);
  }
}
