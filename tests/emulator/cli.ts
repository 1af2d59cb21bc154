// `npm run emulator -- --port 8787`: runs the emulator until SIGINT/SIGTERM. Prints one JSON line with
// the URLs, fixture keys and OAuth client so scripts can pick them up.
import { parseArgs } from "node:util";
import { ADMIN_KEY, BROKE_KEY, OAUTH_CLIENT, SCOPED_KEY } from "./fixtures.ts";
import { startEmulator } from "./server.ts";

function numberOption(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} must be a non-negative number, got ${value}`);
  return n;
}

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "8787" },
    host: { type: "string", default: "127.0.0.1" },
    "token-delay-ms": { type: "string" },
    "first-token-delay-ms": { type: "string" },
    "access-ttl": { type: "string" },
    "refresh-ttl": { type: "string" },
    "redirect-uri": { type: "string", multiple: true },
  },
  strict: true,
});

const emulator = await startEmulator({
  port: numberOption("port", values.port),
  host: values.host,
  tokenDelayMs: numberOption("token-delay-ms", values["token-delay-ms"]),
  firstTokenDelayMs: numberOption("first-token-delay-ms", values["first-token-delay-ms"]),
  accessTokenTtlSeconds: numberOption("access-ttl", values["access-ttl"]),
  refreshTokenTtlSeconds: numberOption("refresh-ttl", values["refresh-ttl"]),
  redirectUris: values["redirect-uri"],
});

process.stdout.write(
  `${JSON.stringify({
    url: emulator.url,
    llm: `${emulator.url}/llm/v1`,
    embeddings: `${emulator.url}/embed/v1`,
    keys: { admin: ADMIN_KEY, scoped: SCOPED_KEY, broke: BROKE_KEY },
    oauthClient: {
      clientId: OAUTH_CLIENT.clientId,
      clientSecret: OAUTH_CLIENT.clientSecret,
      redirectUris: emulator.settings.redirectUris,
    },
  })}\n`,
);

let stopping = false;
const stop = (signal: string) => {
  if (stopping) return;
  stopping = true;
  emulator.close().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(`[chutes-emulator] close after ${signal} failed:`, error);
      process.exit(1);
    },
  );
};
process.on("SIGINT", () => stop("SIGINT"));
process.on("SIGTERM", () => stop("SIGTERM"));
