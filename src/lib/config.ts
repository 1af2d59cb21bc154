import "server-only";
import { z } from "zod";
import { API_KEY_PATTERN } from "./chutesAuth.ts";
import { DEFAULT_FUSION, DEFAULT_MIN_SIMILARITY, DEFAULT_TEXT_SEARCH_LANGUAGE } from "./rag/settings.ts";

// One place reads the environment. Every setting is validated at start-up (instrumentation.ts) so a
// typo stops the server with one line instead of failing on the first request.

const httpUrl = z
  .string()
  .trim()
  .refine((v) => /^https?:\/\/[^\s/]+/i.test(v) && URL.canParse(v), "an http(s) URL")
  .transform((v) => v.replace(/\/+$/, ""));

const positiveInt = (min: number, max: number) =>
  z.coerce.number().int().min(min).max(max) as unknown as z.ZodType<number, string | number>;

export const configSchema = z
  .object({
    CHUTES_API_URL: httpUrl.default("https://api.chutes.ai"),
    CHUTES_LLM_URL: httpUrl.default("https://llm.chutes.ai/v1"),
    CHUTES_EMBEDDINGS_URL: httpUrl.default("https://chutes-baai-bge-m3.chutes.ai/v1"),
    CHUTES_EMBEDDING_MODEL: z.string().trim().min(1).default("BAAI/bge-m3"),
    CHUTES_EMBEDDING_DIMENSIONS: positiveInt(1, 16000).default(1024),
    CHUTES_DEFAULT_MODEL: z.string().trim().min(1).default("deepseek-ai/DeepSeek-V3.2-TEE"),
    CHUTES_REQUEST_TIMEOUT_MS: positiveInt(100, 120_000).default(8000),
    // The operator's key: used by the ingest CLI only, never for users' requests.
    CHUTES_API_KEY: z.string().trim().regex(API_KEY_PATTERN, "a Chutes API key (cpk_...)").optional(),
    DATA_DIR: z.string().trim().min(1).default("./data"),
    DATABASE_URL: z
      .string()
      .trim()
      .regex(/^postgres(ql)?:\/\//, "a postgres:// connection URL")
      .optional(),
    RAG_TOP_K: positiveInt(1, 50).default(6),
    RAG_MIN_SCORE: z.coerce.number().min(0).max(1).default(DEFAULT_MIN_SIMILARITY),
    // Fusion of the full-text and vector rankings: by score (each list scaled by its best) or by rank
    // (reciprocal rank fusion), with a weight per list.
    RAG_FUSION: z.enum(["score", "rank"]).default(DEFAULT_FUSION.method),
    RAG_TEXT_WEIGHT: z.coerce.number().min(0).max(10).default(DEFAULT_FUSION.textWeight),
    RAG_VECTOR_WEIGHT: z.coerce.number().min(0).max(10).default(DEFAULT_FUSION.vectorWeight),
    // At most this many chunks of one file in the sources given to the model (0 = no limit).
    RAG_MAX_CHUNKS_PER_FILE: z.coerce.number().int().min(0).max(50).default(DEFAULT_FUSION.maxChunksPerFile),
    // PostgreSQL text-search configuration for stop words and stemming (e.g. english, german, simple).
    RAG_TEXT_SEARCH_LANGUAGE: z
      .string()
      .trim()
      .regex(/^[a-z_]+$/, "a PostgreSQL text-search configuration name, e.g. english")
      .default(DEFAULT_TEXT_SEARCH_LANGUAGE),
    // Sign in with Chutes (OAuth 2 + PKCE). Without a client id the button explains it is not set up.
    CHUTES_IDP_URL: httpUrl.default("https://api.chutes.ai"),
    CHUTES_CLIENT_ID: z
      .string()
      .trim()
      .regex(/^cid_[A-Za-z0-9]+$/, "an OAuth client id (cid_...)")
      .optional(),
    CHUTES_CLIENT_SECRET: z.string().trim().min(1).optional(),
    CHUTES_OAUTH_SCOPES: z.string().trim().min(1).default("openid profile chutes:invoke"),
    // Refresh the access token this many seconds before it expires.
    CHUTES_TOKEN_REFRESH_MARGIN_S: positiveInt(0, 3600).default(60),
    NEXTAUTH_URL: httpUrl.optional(),
    NEXTAUTH_SECRET: z.string().min(32, "at least 32 characters").optional(),
    OPENROUTER_API_URL: httpUrl.default("https://openrouter.ai/api/v1"),
    // How many reverse proxies in front append to X-Forwarded-For; 0: none (the socket's address).
    TRUST_PROXY_HOPS: z.coerce.number().int().min(0).max(5).default(0),
    // Per client address per minute; 0 turns a limit off. Key checks are tight: they must not be
    // an oracle for guessing keys, nor an amplifier against Chutes.
    RATE_LIMIT_KEY_CHECKS_PER_MIN: z.coerce.number().int().min(0).max(10_000).default(10),
    RATE_LIMIT_CHATS_PER_MIN: z.coerce.number().int().min(0).max(10_000).default(30),
    RATE_LIMIT_REQUESTS_PER_MIN: z.coerce.number().int().min(0).max(100_000).default(120),
    // Extra image origins the page may load (space-separated, e.g. "https://img.example.com").
    CSP_IMG_SRC: z
      .string()
      .trim()
      .transform((v) => v.split(/\s+/).filter(Boolean))
      .pipe(
        z.array(z.string().regex(/^https:\/\/[A-Za-z0-9.*-]+(:\d+)?$/, "https origins separated by spaces")),
      )
      .default([]),
    // Request bodies announced larger than this (Content-Length) are refused before they are read.
    MAX_BODY_BYTES: positiveInt(1024, 100 * 1024 * 1024).default(1024 * 1024),
    // On SIGTERM, open chat streams get this long to finish before they are aborted upstream.
    SHUTDOWN_GRACE_MS: positiveInt(0, 600_000).default(10_000),
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  })
  .superRefine((config, ctx) => {
    if (config.CHUTES_CLIENT_ID && !config.CHUTES_CLIENT_SECRET) {
      ctx.addIssue({
        code: "custom",
        path: ["CHUTES_CLIENT_SECRET"],
        message: "the OAuth client secret (csc_...) that goes with CHUTES_CLIENT_ID",
      });
    }
    if (config.CHUTES_CLIENT_ID && !config.NEXTAUTH_SECRET) {
      ctx.addIssue({
        code: "custom",
        path: ["NEXTAUTH_SECRET"],
        message: "a random secret of at least 32 characters to encrypt sessions (openssl rand -base64 32)",
      });
    }
  });

export type AppConfig = z.infer<typeof configSchema>;

const CONFIG_KEYS = Object.keys(configSchema.shape);

// Names of settings whose values must never be echoed, even in a configuration error.
const SECRET_SETTINGS = new Set([
  "CHUTES_API_KEY",
  "DATABASE_URL",
  "CHUTES_CLIENT_SECRET",
  "NEXTAUTH_SECRET",
]);

export class ConfigError extends Error {
  override name = "ConfigError";
}

export function parseConfig(env: Record<string, string | undefined>): AppConfig {
  // An empty value in a .env file means "not set", as in most dotenv tooling.
  const cleaned: Record<string, string> = {};
  for (const key of CONFIG_KEYS) {
    const value = env[key];
    if (value !== undefined && value.trim() !== "") cleaned[key] = value;
  }
  const result = configSchema.safeParse(cleaned);
  if (result.success) return result.data;
  // One line per problem, so an operator fixes them all in one go.
  const lines = result.error.issues.map((issue) => {
    const name = String(issue.path[0] ?? "configuration");
    const shown = SECRET_SETTINGS.has(name) ? "" : ` (got "${cleaned[name] ?? ""}")`;
    return `Invalid setting ${name}: expected ${describeExpectation(issue)}${shown}`;
  });
  throw new ConfigError(lines.join("\n"));
}

function describeExpectation(issue: z.core.$ZodIssue | undefined): string {
  if (!issue) return "a valid value";
  if (issue.code === "custom" || issue.code === "invalid_format")
    return issue.message.replace(/^Invalid.*?: /, "");
  if (issue.code === "too_small" || issue.code === "too_big")
    return `a number ${issue.message.replace(/^Too (small|big): expected number to (be|have) /, "")}`;
  if (issue.code === "invalid_type") return issue.expected === "number" ? "a number" : `a ${issue.expected}`;
  return issue.message;
}

let cached: AppConfig | undefined;

export function getConfig(): AppConfig {
  cached ??= parseConfig(process.env);
  return cached;
}

/** Tests change the environment between cases; production never calls this. */
export function resetConfigForTests(): void {
  cached = undefined;
}
