import "server-only";
import { ConfigError, getConfig } from "./config.ts";
import { PgvectorMissingError } from "./rag/errors.ts";
import { getKbStore } from "./rag/store.ts";

/**
 * Stops the server with one clear line when it cannot work: a bad setting, or a DATABASE_URL
 * server without pgvector. (The embedded store is opened on first use instead: opening it here
 * would hold its lock and keep `npm run ingest` out for as long as the app runs.)
 */
export async function checkStartupOrExit(): Promise<void> {
  try {
    const config = getConfig();
    if (config.DATABASE_URL) await getKbStore(config).migrate();
  } catch (error) {
    // By name: bundling can give a module two copies, and then instanceof fails across them.
    const name = error instanceof Error ? error.name : "";
    if (error instanceof ConfigError || name === ConfigError.name || name === PgvectorMissingError.name) {
      // One line per problem (a configuration error lists each on its own line).
      for (const line of (error as Error).message.split("\n")) console.error(`chutes-chat: ${line}`);
      process.exit(1);
      return;
    }
    throw error;
  }
}
