import type { PGlite, Transaction } from "@electric-sql/pglite";

/**
 * Records the last statement run on `db` (directly or inside a transaction) that `matches`, with its
 * parameters: to EXPLAIN a store's query exactly as the store ran it.
 */
export function captureSql(
  db: PGlite,
  matches: (sql: string) => boolean,
): { get: () => { sql: string; params: unknown[] } | undefined } {
  let last: { sql: string; params: unknown[] } | undefined;
  const see = (sql: string, params: unknown[] | undefined) => {
    if (matches(sql) && !sql.startsWith("EXPLAIN")) last = { sql, params: params ?? [] };
  };
  const query = db.query.bind(db);
  const transaction = db.transaction.bind(db);
  Object.assign(db, {
    query: (sql: string, params?: unknown[], options?: object) => {
      see(sql, params);
      return query(sql, params, options);
    },
    transaction: <T>(fn: (tx: Transaction) => Promise<T>) =>
      transaction((tx) =>
        fn(
          Object.assign(Object.create(tx) as Transaction, {
            query: (sql: string, params?: unknown[], options?: object) => {
              see(sql, params);
              return tx.query(sql, params, options);
            },
          }),
        ),
      ),
  });
  return { get: () => last };
}
