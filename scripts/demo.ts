// `npm run demo`: the whole app offline. Starts the Chutes emulator, then `next dev` wired to it,
// and prints API keys the emulator accepts. Ctrl+C stops both.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { getConfig } from "../src/lib/config.ts";
import { runIngest } from "../src/lib/rag/ingest.ts";
import { ADMIN_KEY, BROKE_KEY, OPENROUTER_KEY, SCOPED_KEY } from "../tests/emulator/fixtures.ts";
import { startEmulator } from "../tests/emulator/server.ts";

const appPort = Number(process.env.PORT ?? 3000);
const emulatorPort = Number(process.env.DEMO_EMULATOR_PORT ?? 8787);
const appUrl = `http://localhost:${appPort}`;

const emulator = await startEmulator({
  port: emulatorPort,
  redirectUris: [
    `${appUrl}/api/auth/callback/chutes`,
    `http://127.0.0.1:${appPort}/api/auth/callback/chutes`,
  ],
});

const env = {
  ...process.env,
  CHUTES_API_URL: emulator.url,
  CHUTES_IDP_URL: emulator.url,
  CHUTES_LLM_URL: `${emulator.url}/llm/v1`,
  CHUTES_EMBEDDINGS_URL: `${emulator.url}/embed/v1`,
  OPENROUTER_API_URL: `${emulator.url}/openrouter/api/v1`,
  NEXT_TELEMETRY_DISABLED: "1",
  NEXTAUTH_URL: process.env.NEXTAUTH_URL ?? appUrl,
  NEXTAUTH_SECRET: process.env.NEXTAUTH_SECRET ?? "demo-only-secret-change-me-in-production-0123456789",
};

// The sample knowledge base (docs/), embedded through the emulator with its operator key. Later
// runs find it unchanged and make no embedding call.
Object.assign(process.env, env, { CHUTES_API_KEY: process.env.CHUTES_API_KEY ?? ADMIN_KEY });
const ingested = await runIngest({ paths: ["docs"] }, getConfig());
process.stdout.write(
  `Knowledge base: ${ingested.documents.added + ingested.documents.changed + ingested.documents.unchanged} documents from docs/ (${ingested.embeddingCalls} embedding calls)\n`,
);

process.stdout.write(
  [
    "",
    `Chutes emulator on ${emulator.url} (offline; nothing reaches chutes.ai)`,
    `Open ${appUrl}, then "Advanced options" under Chutes, and paste one of these keys:`,
    `  admin key (alice, $12.50):     ${ADMIN_KEY}`,
    `  scoped invoke-only key:        ${SCOPED_KEY}`,
    `  key with no balance (bob):     ${BROKE_KEY}`,
    `  OpenRouter key:                ${OPENROUTER_KEY}`,
    "",
  ].join("\n"),
);

const nextBin = fileURLToPath(new URL("../node_modules/next/dist/bin/next", import.meta.url));
const app = spawn(process.execPath, [nextBin, "dev", "-p", String(appPort)], { env, stdio: "inherit" });

let stopping = false;
async function stop(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  app.kill("SIGTERM");
  await emulator.close();
  process.exit(code);
}
process.on("SIGINT", () => void stop(0));
process.on("SIGTERM", () => void stop(0));
app.on("exit", (code) => void stop(code ?? 0));
