import { PGlite } from "@electric-sql/pglite";
import { vector } from "@electric-sql/pglite-pgvector";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";

// A PostgreSQL wire-protocol server backed by an in-memory PGlite, for running the store through `pg`
// exactly as against a server database. Started on a free local port and stopped by the test.

export interface PgTestServer {
  /** postgres:// URL of the server. */
  url: string;
  db: PGlite;
  stop(): Promise<void>;
}

export async function startPgTestServer(options: { withVector?: boolean } = {}): Promise<PgTestServer> {
  const db = await PGlite.create(options.withVector === false ? {} : { extensions: { vector } });
  // The socket server multiplexes connections over the single PGlite session; the store uses a pool of 1,
  // but a test may open a second store before the first one's socket is fully gone.
  const server = new PGLiteSocketServer({ db, host: "127.0.0.1", port: 0, maxConnections: 4 });
  await server.start();
  return {
    url: `postgres://postgres:postgres@${server.getServerConn()}/postgres?sslmode=disable`,
    db,
    stop: async () => {
      await server.stop();
      await db.close();
    },
  };
}
