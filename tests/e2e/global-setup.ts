import { execFileSync } from "node:child_process";
import { appEnv } from "../../playwright.config.ts";
import { ADMIN_KEY } from "../emulator/fixtures.ts";

// The sample knowledge base, ingested the way an operator does it (the CLI, the operator's key),
// into the data directory the app under test reads. Incremental: a re-run embeds nothing.
export default function globalSetup(): void {
  execFileSync(process.execPath, ["--conditions=react-server", "scripts/ingest.ts", "docs"], {
    env: { ...process.env, ...appEnv, CHUTES_API_KEY: ADMIN_KEY },
    stdio: ["ignore", "ignore", "inherit"],
  });
}
