// `npm run demo`: the whole app offline. Starts the Chutes emulator, then `next dev` wired to it with
// "Sign in with Chutes" configured against the emulator's IDP, and prints both ways in. Ctrl+C stops
// both.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { getConfig } from "../src/lib/config.ts";
import { runIngest } from "../src/lib/rag/ingest.ts";
import { emulatorAppEnv, oauthRedirectUri } from "../tests/emulator/appEnv.ts";
import { ADMIN_KEY, BROKE_KEY, OPENROUTER_KEY, SCOPED_KEY } from "../tests/emulator/fixtures.ts";
import { startEmulator } from "../tests/emulator/server.ts";

const appPort = Number(process.env.PORT ?? 3000);
const emulatorPort = Number(process.env.DEMO_EMULATOR_PORT ?? 8787);
// The OAuth callback must come back to the host the browser is on, so the demo names one.
const appUrl = process.env.NEXTAUTH_URL ?? `http://localhost:${appPort}`;

const emulator = await startEmulator({ port: emulatorPort, redirectUris: [oauthRedirectUri(appUrl)] });

const env = { ...process.env, ...emulatorAppEnv(emulator.url, { appUrl }) };

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
    `Open ${appUrl} (this host name: the sign-in comes back to it), then either:`,
    `  1. "Sign in with Chutes": the emulator's consent page signs you in as alice ($12.50); press Allow.`,
    `  2. "Advanced options" under Chutes (or the OpenRouter card), and paste one of these keys:`,
    `     admin key (alice, $12.50):     ${ADMIN_KEY}`,
    `     scoped invoke-only key:        ${SCOPED_KEY}`,
    `     key with no balance (bob):     ${BROKE_KEY}`,
    `     OpenRouter key:                ${OPENROUTER_KEY}`,
    "A pasted key wins over the signed-in session; remove it to fall back to the session.",
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
