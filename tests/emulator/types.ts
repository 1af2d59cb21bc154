// Types shared by the emulator modules and by code that drives the emulator (tests, CLI, client).

/** Which real Chutes host a request stands for. */
export type HostKind = "api" | "llm" | "embed" | "idp" | "openrouter";

/** Endpoints an injection rule can target. */
export type MatchPath = "chat" | "embeddings" | "models" | "users_me" | "token" | "userinfo";

export const FAILURE_NAMES = [
  "unauthorized",
  "payment_required",
  "quota_exceeded",
  "forbidden",
  "capacity",
  "free_limit",
  "html_429",
  "no_instances",
  "disabled",
  "model_not_found",
  "bad_request",
  "exhausted",
  "midstream_error",
  "engine_error_event",
  "slow_first_token",
  "drop_connection",
] as const;

export type FailureName = (typeof FAILURE_NAMES)[number];

export type InjectionRule = {
  failure: FailureName;
  match?: { path?: MatchPath; model?: string };
  /** How many matching requests fail; default 1. */
  times?: number;
  /** Delay before the failure (for slow_first_token: before the first chunk, default 3000). */
  delayMs?: number;
  /**
   * Repeat the caller's bearer token in the error's `detail`, as a careless upstream might: for tests
   * that prove the app never passes an upstream body's secret on. Chutes itself is not known to do it.
   */
  echoCredential?: boolean;
};

export type EmulatorSettings = {
  /** Delay between streamed chunks. */
  tokenDelayMs: number;
  /**
   * Delay before a stream's first chunk (a model's time to first token), when it differs from
   * tokenDelayMs; null = tokenDelayMs. As on Chutes, the status line is held until that chunk.
   */
  firstTokenDelayMs: number | null;
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  /** Redirect URIs registered for the OAuth app (exact string match). */
  redirectUris: string[];
  /** The user who is "signed in" in the emulator's browser (the consent page skips login). */
  authorizeAs: string;
  /**
   * Length of the vectors /embed/v1 returns (BGE-M3's 1024 by default). Another value stands for the
   * embeddings host serving a different model than the knowledge base was built with.
   */
  embeddingDimensions: number;
  /** Vectors with a number in every dimension, as a real model's (see denseEmbedText); off: sparse. */
  denseEmbeddings: boolean;
  /** RFC 9207: add `iss` to the authorization response (Chutes does not; an IdP may). */
  issOnRedirect: boolean;
  /** RFC 7009 strictly: revoke only with the client's credentials (Chutes accepts both). */
  revokeRequiresClientAuth: boolean;
};

export type RecordedRequest = {
  id: number;
  at: string;
  method: string;
  path: string;
  query: Record<string, string>;
  host: HostKind;
  headers: Record<string, string>;
  body: unknown;
  /** 0 while no response head has been sent (or the server dropped the connection). */
  status: number;
  clientClosedEarly: boolean;
  completed: boolean;
};

export type RequestFilter = { path?: string; host?: HostKind; method?: string };

export type EmulatorState = {
  codesIssued: number;
  codeExchanges: number;
  tokensIssued: number;
  refreshesPerformed: number;
  refreshFailures: number;
  revokeRequests: number;
  revocations: number;
  activeAccessTokens: number;
  activeRefreshTokens: number;
  pendingInjections: number;
  requestsRecorded: number;
  balances: Record<string, number>;
  settings: EmulatorSettings;
};
