// The Chutes emulator: one HTTP server standing in for every Chutes host, told apart by path prefix
// (api at the root, /idp + /.well-known, /llm/v1, /embed/v1), plus test-only /_emulator controls.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Emulator, RequestContext } from "./context.ts";
import { handleControl, injectionSchema, settingsPatchSchema } from "./control.ts";
import { createEmulator } from "./core.ts";
import { handleEmbeddings } from "./embeddings.ts";
import {
  DEFAULT_SLOW_FIRST_TOKEN_MS,
  type EndpointKind,
  renderFailure,
  STREAM_FAILURES,
} from "./failures.ts";
import { DEFAULT_REDIRECT_URIS, EMBEDDING_DIMENSIONS } from "./fixtures.ts";
import {
  echoCredentialIn,
  isRecord,
  type ParsedBody,
  readBody,
  sendDetail,
  sendJson,
  sleepUnlessClosed,
} from "./http.ts";
import { authenticate, type Gateway, selfResponse } from "./identities.ts";
import {
  discoveryDocument,
  handleAuthorize,
  handleConsent,
  handleConsentPage,
  handleIntrospect,
  handleRevoke,
  handleScopes,
  handleToken,
  handleUserinfo,
} from "./idp.ts";
import { handleChat, handleModels } from "./llm.ts";
import {
  handleOpenRouterChat,
  handleOpenRouterCredits,
  handleOpenRouterKey,
  handleOpenRouterModels,
} from "./openrouter.ts";
import type {
  EmulatorSettings,
  EmulatorState,
  HostKind,
  InjectionRule,
  RecordedRequest,
  RequestFilter,
} from "./types.ts";

export type {
  EmulatorSettings,
  EmulatorState,
  FailureName,
  HostKind,
  InjectionRule,
  MatchPath,
  RecordedRequest,
  RequestFilter,
} from "./types.ts";

export type EmulatorOptions = {
  /** 0 = a random free port (default). */
  port?: number;
  host?: string;
  tokenDelayMs?: number;
  /** Delay before a stream's first chunk (default: tokenDelayMs). */
  firstTokenDelayMs?: number;
  accessTokenTtlSeconds?: number;
  refreshTokenTtlSeconds?: number;
  redirectUris?: string[];
  /** The user the consent page acts for (default "alice"). */
  authorizeAs?: string;
  /** Length of the embedding vectors (default 1024, BGE-M3's). */
  embeddingDimensions?: number;
  /** Vectors dense as a real model's (default false: the hashed features alone). */
  denseEmbeddings?: boolean;
  issOnRedirect?: boolean;
  revokeRequiresClientAuth?: boolean;
};

export type EmulatorHandle = {
  /** http://127.0.0.1:PORT: CHUTES_API_URL and CHUTES_IDP_URL; `${url}/llm/v1` and `${url}/embed/v1`. */
  url: string;
  port: number;
  close(): Promise<void>;
  requests(filter?: RequestFilter): RecordedRequest[];
  reset(): void;
  inject(rule: InjectionRule): void;
  configure(patch: Partial<EmulatorSettings>): void;
  /** Live settings object (reflects configure() and reset()). */
  settings: EmulatorSettings;
  state(): EmulatorState;
  setBalance(username: string, balance: number): void;
  /** Marks every access and refresh token (of one user, or everyone) revoked. */
  revokeAllTokens(username?: string): number;
};

const DEFAULT_TOKEN_DELAY_MS = 15;
const DEFAULT_ACCESS_TTL_SECONDS = 3600;
const DEFAULT_REFRESH_TTL_SECONDS = 30 * 24 * 3600;

type Handler = (ctx: RequestContext) => void | Promise<void>;

function usersMe(ctx: RequestContext) {
  const auth = authenticate(ctx.req.headers.authorization, "api", ctx.emu.accounts, ctx.emu.oauth);
  if (!auth.ok) return sendDetail(ctx.res, auth.status, auth.detail);
  const user = auth.principal.user;
  sendJson(ctx.res, 200, selfResponse(user, ctx.emu.accounts.balance(user.username)));
}

const ROUTES: Record<string, Record<string, Handler>> = {
  "/.well-known/openid-configuration": {
    GET: (ctx) => sendJson(ctx.res, 200, discoveryDocument(ctx.emu.baseUrl())),
  },
  "/idp/scopes": { GET: handleScopes },
  "/idp/authorize": { GET: handleAuthorize },
  "/idp/authorize/consent": { GET: handleConsentPage, POST: handleConsent },
  "/idp/token": { POST: handleToken },
  "/idp/userinfo": { GET: handleUserinfo },
  "/idp/token/introspect": { POST: handleIntrospect },
  "/idp/token/revoke": { POST: handleRevoke },
  "/users/me": { GET: usersMe },
  "/llm/v1/models": { GET: handleModels },
  "/llm/v1/chat/completions": { POST: handleChat },
  "/embed/v1/embeddings": { POST: handleEmbeddings },
  "/openrouter/api/v1/key": { GET: handleOpenRouterKey },
  "/openrouter/api/v1/credits": { GET: handleOpenRouterCredits },
  "/openrouter/api/v1/models": { GET: handleOpenRouterModels },
  "/openrouter/api/v1/chat/completions": { POST: handleOpenRouterChat },
};

const ENDPOINTS: Record<string, EndpointKind> = {
  "/llm/v1/chat/completions": "chat",
  "/embed/v1/embeddings": "embeddings",
  "/llm/v1/models": "models",
  "/users/me": "users_me",
  "/idp/token": "token",
  "/idp/userinfo": "userinfo",
};

function hostOf(path: string): HostKind {
  if (path === "/llm" || path.startsWith("/llm/")) return "llm";
  if (path === "/embed" || path.startsWith("/embed/")) return "embed";
  if (path.startsWith("/idp/") || path.startsWith("/.well-known/")) return "idp";
  if (path.startsWith("/openrouter/")) return "openrouter";
  return "api";
}

const gatewayOf = (host: HostKind): Gateway => (host === "llm" || host === "embed" ? host : "api");

function notFound(ctx: RequestContext): void {
  // A wrong path on a chute (the slug host) is a missing "cord"; elsewhere FastAPI's default.
  sendDetail(ctx.res, 404, ctx.host === "embed" ? "No matching cord found!" : "Not Found");
}

async function applyInjection(ctx: RequestContext, rule: InjectionRule): Promise<"handled" | "continue"> {
  const { res, emu } = ctx;
  if (STREAM_FAILURES.has(rule.failure)) {
    if (ctx.endpoint === "chat") {
      ctx.streamFailure = rule;
      return "continue";
    }
    if (rule.failure === "slow_first_token") {
      return (await sleepUnlessClosed(res, rule.delayMs ?? DEFAULT_SLOW_FIRST_TOKEN_MS))
        ? "continue"
        : "handled";
    }
  }
  if (rule.delayMs && !(await sleepUnlessClosed(res, rule.delayMs))) return "handled";
  if (rule.echoCredential) echoCredentialIn(res, ctx.req.headers.authorization);
  // Who is calling only matters for the 402 text; an unauthenticated call gets the default address.
  const auth = authenticate(ctx.req.headers.authorization, gatewayOf(ctx.host), emu.accounts, emu.oauth);
  const user = auth.ok ? auth.principal.user : undefined;
  const model =
    isRecord(ctx.body.value) && typeof ctx.body.value.model === "string" ? ctx.body.value.model : undefined;
  renderFailure(res, rule.failure, {
    host: ctx.host,
    endpoint: ctx.endpoint,
    model,
    user,
    balance: user ? emu.accounts.balance(user.username) : 0,
    drop: ctx.drop,
  });
  return "handled";
}

async function handleRequest(emu: Emulator, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? "/", "http://emulator");
  const method = req.method ?? "GET";
  let body: ParsedBody;
  try {
    body = await readBody(req);
  } catch {
    return sendDetail(res, 413, "Request body too large");
  }
  if (url.pathname.startsWith("/_emulator/")) return handleControl(emu, method, url, body, res);

  const path = url.pathname;
  const host = hostOf(path);
  const recording = emu.recorder.start(req, res, url, host, body.value);
  const ctx: RequestContext = {
    emu,
    req,
    res,
    url,
    body,
    host,
    endpoint: ENDPOINTS[path] ?? "other",
    streamFailure: undefined,
    drop: () => {
      recording.markDropped();
      req.socket.destroy();
    },
  };

  const model = isRecord(body.value) && typeof body.value.model === "string" ? body.value.model : undefined;
  const rule = emu.injections.take(ctx.endpoint, model);
  if (rule && (await applyInjection(ctx, rule)) === "handled") return;

  const routes = ROUTES[path];
  if (!routes) return notFound(ctx);
  const handler = routes[method];
  if (!handler) return sendDetail(res, 405, "Method Not Allowed");
  await handler(ctx);
}

function formatUrl(address: AddressInfo, requestedHost: string): string {
  const host = ["0.0.0.0", "::", ""].includes(requestedHost) ? "127.0.0.1" : requestedHost;
  return `http://${host.includes(":") ? `[${host}]` : host}:${address.port}`;
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<EmulatorHandle> {
  const requestedHost = options.host ?? "127.0.0.1";
  let baseUrl = "";
  const emu = createEmulator(
    {
      tokenDelayMs: options.tokenDelayMs ?? DEFAULT_TOKEN_DELAY_MS,
      firstTokenDelayMs: options.firstTokenDelayMs ?? null,
      accessTokenTtlSeconds: options.accessTokenTtlSeconds ?? DEFAULT_ACCESS_TTL_SECONDS,
      refreshTokenTtlSeconds: options.refreshTokenTtlSeconds ?? DEFAULT_REFRESH_TTL_SECONDS,
      redirectUris: [...(options.redirectUris ?? DEFAULT_REDIRECT_URIS)],
      authorizeAs: options.authorizeAs ?? "alice",
      embeddingDimensions: options.embeddingDimensions ?? EMBEDDING_DIMENSIONS,
      denseEmbeddings: options.denseEmbeddings ?? false,
      issOnRedirect: options.issOnRedirect ?? false,
      revokeRequiresClientAuth: options.revokeRequiresClientAuth ?? false,
    },
    () => baseUrl,
  );

  const server = createServer((req, res) => {
    handleRequest(emu, req, res).catch((error: unknown) => {
      console.error("[chutes-emulator] handler failed:", error);
      if (!res.headersSent) sendDetail(res, 500, "Internal Server Error");
      else res.destroy();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, requestedHost, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  baseUrl = formatUrl(address, requestedHost);

  return {
    url: baseUrl,
    port: address.port,
    settings: emu.settings,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Open streams and keep-alive sockets would otherwise hold close() open.
        server.closeAllConnections();
      }),
    requests: (filter) => emu.recorder.list(filter),
    reset: () => emu.reset(),
    inject: (rule) => emu.injections.add(injectionSchema.parse(rule)),
    configure: (patch) => {
      emu.configure(settingsPatchSchema.parse(patch));
    },
    state: () => emu.state(),
    setBalance: (username, balance) => {
      if (!emu.accounts.setBalance(username, balance)) throw new Error(`unknown user: ${username}`);
    },
    revokeAllTokens: (username) => emu.oauth.revokeAll(username),
  };
}
