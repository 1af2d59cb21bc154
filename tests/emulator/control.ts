// Test-only control endpoints under /_emulator (never part of the real service, never recorded).
import type { ServerResponse } from "node:http";
import { z } from "zod";
import type { Emulator } from "./context.ts";
import type { ParsedBody } from "./http.ts";
import { sendJson } from "./http.ts";
import { FAILURE_NAMES, type HostKind, type RequestFilter } from "./types.ts";

const MATCH_PATHS = ["chat", "embeddings", "models", "users_me", "token", "userinfo"] as const;
const HOSTS = ["api", "llm", "embed", "idp", "openrouter"] as const;

export const injectionSchema = z.object({
  failure: z.enum(FAILURE_NAMES),
  match: z
    .object({ path: z.enum(MATCH_PATHS).optional(), model: z.string().optional() })
    .strict()
    .optional(),
  times: z.number().int().positive().optional(),
  delayMs: z.number().nonnegative().optional(),
  echoCredential: z.boolean().optional(),
});

export const settingsPatchSchema = z
  .object({
    tokenDelayMs: z.number().nonnegative(),
    firstTokenDelayMs: z.number().nonnegative().nullable(),
    accessTokenTtlSeconds: z.number().positive(),
    refreshTokenTtlSeconds: z.number().positive(),
    redirectUris: z.array(z.string().min(1)),
    authorizeAs: z.string().min(1),
    embeddingDimensions: z.number().int().positive().max(16000),
    denseEmbeddings: z.boolean(),
    issOnRedirect: z.boolean(),
    revokeRequiresClientAuth: z.boolean(),
  })
  .partial()
  .strict();

const balanceSchema = z.object({ balance: z.number().finite() });
const revokeAllSchema = z.object({ username: z.string().optional() });

function bodyOf(parsed: ParsedBody): unknown {
  return parsed.kind === "empty" ? {} : parsed.value;
}

function invalid(res: ServerResponse, error: z.ZodError): void {
  sendJson(res, 400, { error: "invalid control request", issues: error.issues });
}

export function handleControl(
  emu: Emulator,
  method: string,
  url: URL,
  body: ParsedBody,
  res: ServerResponse,
) {
  const path = url.pathname.slice("/_emulator".length);
  const route = `${method} ${path}`;

  if (route === "GET /health") return sendJson(res, 200, { ok: true });
  if (route === "GET /state") return sendJson(res, 200, emu.state());
  if (route === "GET /config") return sendJson(res, 200, emu.state().settings);

  if (route === "GET /requests") {
    const filter: RequestFilter = {};
    const p = url.searchParams;
    if (p.get("path")) filter.path = p.get("path") ?? undefined;
    if (p.get("method")) filter.method = p.get("method") ?? undefined;
    const host = p.get("host");
    if (host && (HOSTS as readonly string[]).includes(host)) filter.host = host as HostKind;
    return sendJson(res, 200, emu.recorder.list(filter));
  }

  if (route === "POST /reset") {
    emu.reset();
    return sendJson(res, 200, { reset: true });
  }

  if (route === "POST /inject") {
    const parsed = injectionSchema.safeParse(bodyOf(body));
    if (!parsed.success) return invalid(res, parsed.error);
    emu.injections.add(parsed.data);
    return sendJson(res, 200, { injected: parsed.data, pending: emu.injections.size });
  }

  if (route === "POST /config") {
    const parsed = settingsPatchSchema.safeParse(bodyOf(body));
    if (!parsed.success) return invalid(res, parsed.error);
    if (parsed.data.authorizeAs !== undefined && !emu.accounts.user(parsed.data.authorizeAs)) {
      return sendJson(res, 404, { error: `unknown user: ${parsed.data.authorizeAs}` });
    }
    return sendJson(res, 200, emu.configure(parsed.data));
  }

  if (route === "POST /oauth/revoke-all") {
    const parsed = revokeAllSchema.safeParse(bodyOf(body));
    if (!parsed.success) return invalid(res, parsed.error);
    return sendJson(res, 200, { revoked: emu.oauth.revokeAll(parsed.data.username) });
  }

  const balanceRoute = /^POST \/users\/([^/]+)\/balance$/.exec(route);
  if (balanceRoute) {
    const username = decodeURIComponent(balanceRoute[1] ?? "");
    const parsed = balanceSchema.safeParse(bodyOf(body));
    if (!parsed.success) return invalid(res, parsed.error);
    if (!emu.accounts.setBalance(username, parsed.data.balance)) {
      return sendJson(res, 404, { error: `unknown user: ${username}` });
    }
    return sendJson(res, 200, { username, balance: parsed.data.balance });
  }

  sendJson(res, 404, { error: `unknown control endpoint: ${route}` });
}
