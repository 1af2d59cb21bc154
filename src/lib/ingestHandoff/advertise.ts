import "server-only";
import { getConfig } from "../config.ts";
import { advertiseIngestHandoff } from "./handoffFile.ts";

/** At server start: with the embedded store, tell `npm run ingest` where to hand its work. */
export function advertiseIngestHandoffFromConfig(): void {
  const config = getConfig();
  // Next sets PORT once it listens, before instrumentation runs.
  const port = Number(process.env.PORT);
  if (config.DATABASE_URL || !Number.isInteger(port) || port <= 0) return;
  advertiseIngestHandoff(config.DATA_DIR, port);
}
