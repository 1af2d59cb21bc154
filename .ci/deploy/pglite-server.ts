// The knowledge base's PostgreSQL for .ci/deploy-check: PGlite + pgvector behind the wire protocol.
// Debian 12 (this machine) packages no pgvector (postgresql-NN-pgvector exists only from Debian 13),
// so a Debian PostgreSQL cannot hold the knowledge base here; the Dockerfile's compose uses
// pgvector/pgvector. Prints the postgres:// URL, then serves until SIGTERM.
import { PGlite } from "@electric-sql/pglite";
import { vector } from "@electric-sql/pglite-pgvector";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";

const port = Number(process.argv[2] ?? 0);
const db = await PGlite.create({ extensions: { vector } });
const server = new PGLiteSocketServer({ db, host: "127.0.0.1", port, maxConnections: 16 });
await server.start();
console.info(`postgres://postgres:postgres@${server.getServerConn()}/postgres?sslmode=disable`);
process.on("SIGTERM", async () => {
  await server.stop();
  await db.close();
  process.exit(0);
});
