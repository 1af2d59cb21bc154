// The one place that says how the app is wired to an emulator: which setting points at which of its
// hosts, and the OAuth client it has registered. Used by Playwright, the demo, the benchmarks and the
// route tests, so a new Chutes setting is added here once.
import { DEFAULT_CHAT_MODEL, OAUTH_CLIENT } from "./fixtures.ts";

/** Encrypts session cookies in tests and the demo only; never a production secret. */
const EMULATOR_NEXTAUTH_SECRET = "emulator-only-session-secret-never-used-in-production-0123";

/** Where "Sign in with Chutes" returns to for an app at `appUrl` (register it with the emulator). */
export const oauthRedirectUri = (appUrl: string): string => `${appUrl}/api/auth/callback/chutes`;

export type EmulatorAppEnvOptions = {
  /**
   * The app's public URL. With it, "Sign in with Chutes" is configured against the emulator's IDP
   * (client id and secret from the fixtures, NEXTAUTH_URL and NEXTAUTH_SECRET); without it, the app
   * takes pasted keys only.
   */
  appUrl?: string;
};

/** The settings every emulator environment has; with `appUrl`, the OAuth ones as well. */
type EmulatorAppEnv = Record<string, string> & {
  CHUTES_API_URL: string;
  CHUTES_IDP_URL: string;
  CHUTES_LLM_URL: string;
  CHUTES_EMBEDDINGS_URL: string;
  OPENROUTER_API_URL: string;
  CHUTES_DEFAULT_MODEL: string;
};

/** The app's environment for an emulator listening on `emulatorUrl` (e.g. http://127.0.0.1:8787). */
export function emulatorAppEnv(emulatorUrl: string, options: EmulatorAppEnvOptions = {}): EmulatorAppEnv {
  const env: EmulatorAppEnv = {
    CHUTES_API_URL: emulatorUrl,
    CHUTES_IDP_URL: emulatorUrl,
    CHUTES_LLM_URL: `${emulatorUrl}/llm/v1`,
    CHUTES_EMBEDDINGS_URL: `${emulatorUrl}/embed/v1`,
    OPENROUTER_API_URL: `${emulatorUrl}/openrouter/api/v1`,
    CHUTES_DEFAULT_MODEL: DEFAULT_CHAT_MODEL,
    NEXT_TELEMETRY_DISABLED: "1",
  };
  if (options.appUrl) {
    Object.assign(env, {
      CHUTES_CLIENT_ID: OAUTH_CLIENT.clientId,
      CHUTES_CLIENT_SECRET: OAUTH_CLIENT.clientSecret,
      NEXTAUTH_URL: options.appUrl,
      NEXTAUTH_SECRET: EMULATOR_NEXTAUTH_SECRET,
    });
  }
  return env;
}

/**
 * Sets these variables in this process (for tests that call route handlers or ingest in-process)
 * and returns a function that puts the previous values back.
 */
export function applyEnv(env: Record<string, string>): () => void {
  const previous = Object.entries(env).map(([name]) => [name, process.env[name]] as const);
  Object.assign(process.env, env);
  return () => {
    for (const [name, value] of previous) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
}
