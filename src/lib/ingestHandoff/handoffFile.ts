import "server-only";
import { randomBytes, timingSafeEqual } from "node:crypto";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { z } from "zod";

// The embedded store (PGlite in DATA_DIR) serves one process. A running app leaves this file in
// DATA_DIR (mode 0600: only the operator's account can read it) with its local port and a random
// token; `npm run ingest` reads it and hands the work to the app instead of opening the store.

export const HANDOFF_FILE = "ingest-handoff.json";

export const handoffSchema = z.object({
  pid: z.number().int(),
  port: z.number().int(),
  token: z.string().min(32),
});
export type Handoff = z.infer<typeof handoffSchema>;

const handoffPath = (dataDir: string) => join(resolve(dataDir), HANDOFF_FILE);

// On globalThis: Next bundles instrumentation and each route separately, so a module variable
// set at start would not be seen by the route.
const g = globalThis as typeof globalThis & { __chutesChatIngestHandoff?: Handoff };

/** Called once by the app at start; the file goes away when the process exits. */
export function advertiseIngestHandoff(dataDir: string, port: number): Handoff {
  if (g.__chutesChatIngestHandoff) return g.__chutesChatIngestHandoff;
  const handoff = { pid: process.pid, port, token: randomBytes(32).toString("base64url") };
  mkdirSync(resolve(dataDir), { recursive: true });
  const path = handoffPath(dataDir);
  writeFileSync(path, JSON.stringify(handoff), { mode: 0o600 });
  g.__chutesChatIngestHandoff = handoff;
  process.once("exit", () => {
    // Only remove our own file: a newer app may have replaced it.
    if (readHandoff(dataDir)?.token === handoff.token) rmSync(path, { force: true });
  });
  return handoff;
}

export function readHandoff(dataDir: string): Handoff | null {
  try {
    return handoffSchema.parse(JSON.parse(readFileSync(handoffPath(dataDir), "utf8")));
  } catch {
    return null;
  }
}

/** True only for the token this process advertised (constant-time compare). */
export function isOperatorToken(presented: string | null): boolean {
  const advertised = g.__chutesChatIngestHandoff;
  if (!advertised || !presented) return false;
  const a = Buffer.from(presented);
  const b = Buffer.from(advertised.token);
  return a.length === b.length && timingSafeEqual(a, b);
}
