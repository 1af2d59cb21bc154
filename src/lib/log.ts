import "server-only";
import pino, { type Logger } from "pino";
import { getConfig } from "./config.ts";

// The server's one logger: JSON lines on stdout, level from LOG_LEVEL. Log codes, names, counts and
// timings; never a key, a token, a cookie or what a user wrote. The redaction below is a safety net
// for headers and credential fields passed by mistake, not a licence to log them.

const REDACT = [
  "authorization",
  "cookie",
  "set-cookie",
  "apiKey",
  "key",
  "token",
  "accessToken",
  "refreshToken",
  "password",
  "secret",
  "*.authorization",
  "*.cookie",
  "*.set-cookie",
  "*.apiKey",
  "*.key",
  "*.token",
  "*.accessToken",
  "*.refreshToken",
  "*.password",
  "*.secret",
  "headers.authorization",
  "headers.cookie",
  "headers.x-chutes-api-key",
  "headers.x-openrouter-api-key",
];

const g = globalThis as typeof globalThis & { __chutesChatLogger?: Logger };

function level(): string {
  try {
    return getConfig().LOG_LEVEL;
  } catch {
    // A broken configuration is reported by the start-up check; logging still has to work for it.
    return "info";
  }
}

export function createLogger(destination?: pino.DestinationStream, levelName: string = level()): Logger {
  const options: pino.LoggerOptions = {
    level: levelName,
    base: { service: "chutes-chat" },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACT, censor: "[redacted]" },
  };
  // stdout is written off the request's path: a synchronous write held every answer's first byte
  // for the write's length (~0.1 ms). pino flushes what is buffered when the process exits.
  return pino(options, destination ?? pino.destination({ dest: 1, sync: false }));
}

/** The process's logger (one per process, shared by every bundle Next makes). */
export function log(): Logger {
  g.__chutesChatLogger ??= createLogger();
  return g.__chutesChatLogger;
}

export interface RequestLogEntry {
  requestId: string;
  route: string;
  status: number;
  durationMs: number;
  /** Status of the call to Chutes/OpenRouter, when there was one. */
  upstreamStatus?: number | undefined;
  /** Time to the first streamed chunk, for streaming routes. */
  ttftMs?: number | undefined;
}

/** One line per handled request; the route wrapper calls this. */
export function logRequest(entry: RequestLogEntry, logger: Logger = log()): void {
  const line = {
    requestId: entry.requestId,
    route: entry.route,
    status: entry.status,
    durationMs: Math.round(entry.durationMs),
    ...(entry.upstreamStatus === undefined ? {} : { upstreamStatus: entry.upstreamStatus }),
    ...(entry.ttftMs === undefined ? {} : { ttftMs: Math.round(entry.ttftMs) }),
  };
  if (entry.status >= 500) logger.error(line, "request");
  else if (entry.status >= 400) logger.warn(line, "request");
  else logger.info(line, "request");
}
