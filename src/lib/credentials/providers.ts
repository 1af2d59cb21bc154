import {
  API_KEY_HEADER,
  API_KEY_PATTERN,
  API_KEY_STORAGE_KEY,
  checkApiKeyFormat,
  type KeyAccount,
  maskKey,
  parseKeyAccount,
} from "../chutesAuth.ts";
import type { ProviderId } from "../errors.ts";
import {
  checkOpenRouterKeyFormat,
  maskOpenRouterKey,
  OPENROUTER_KEY_HEADER,
  OPENROUTER_KEY_PATTERN,
  OPENROUTER_KEY_STORAGE_KEY,
  type OpenRouterAccount,
  parseOpenRouterAccount,
} from "../openrouterAuth.ts";
import type { KeyFormatCheck } from "./keyFormat.ts";

// The providers a user can pay with, one row each: everything the browser, the key forms and the
// server need to know about a pasted key. A new provider is a new row (and its upstream calls).

export interface ProviderSpec<Account> {
  id: ProviderId;
  name: string;
  keyPattern: RegExp;
  /** Request header that carries the pasted key to our server. */
  header: string;
  /** localStorage entry that holds the key and its account summary. */
  storageKey: string;
  checkFormat: (raw: string) => KeyFormatCheck;
  maskKey: (key: string) => string;
  /** The account summary beside a key (from our server or localStorage), or null when it is not one. */
  parseAccount: (value: unknown) => Account | null;
  /** Our route that asks the provider whether a pasted key works. */
  validationRoute: string;
  /** How the key form presents itself. */
  form: { label: string; name: string; placeholder: string; help: string; formatErrorTitle: string };
}

export const PROVIDER_TABLE = {
  chutes: {
    id: "chutes",
    name: "Chutes",
    keyPattern: API_KEY_PATTERN,
    header: API_KEY_HEADER,
    storageKey: API_KEY_STORAGE_KEY,
    checkFormat: checkApiKeyFormat,
    maskKey,
    parseAccount: parseKeyAccount,
    validationRoute: "/api/auth/chutes/validate-key",
    form: {
      label: "Chutes API key",
      name: "chutes-api-key",
      placeholder: "cpk_…",
      help: "Use a key instead of signing in for scripts, for a scoped invoke-only key, or when this server has no sign-in set up. The key stays in this browser and is sent to this app's server only to call Chutes; it is never stored there.",
      formatErrorTitle: "That is not a Chutes API key",
    },
  },
  openrouter: {
    id: "openrouter",
    name: "OpenRouter",
    keyPattern: OPENROUTER_KEY_PATTERN,
    header: OPENROUTER_KEY_HEADER,
    storageKey: OPENROUTER_KEY_STORAGE_KEY,
    checkFormat: checkOpenRouterKeyFormat,
    maskKey: maskOpenRouterKey,
    parseAccount: parseOpenRouterAccount,
    validationRoute: "/api/auth/openrouter/validate-key",
    form: {
      label: "OpenRouter API key",
      name: "openrouter-api-key",
      placeholder: "sk-or-v1-…",
      help: "Create a key at openrouter.ai/keys. It stays in this browser and is sent to this app's server only to call OpenRouter; it is never stored there. A key without credit is refused.",
      formatErrorTitle: "That is not an OpenRouter API key",
    },
  },
} as const satisfies {
  chutes: ProviderSpec<KeyAccount>;
  openrouter: ProviderSpec<OpenRouterAccount>;
};

export type ProviderTable = typeof PROVIDER_TABLE;

/** What the provider says about the account behind a key (Chutes: scope and balance...). */
export type AccountOf<P extends ProviderId> = NonNullable<ReturnType<ProviderTable[P]["parseAccount"]>>;

/** Which provider a request is for, when it is not Chutes (the browser has already chosen). */
export const PROVIDER_HEADER = "x-chat-provider";

/** localStorage: the provider the user connected last, which answers when both are connected. */
export const PROVIDER_PREFERENCE_KEY = "chutes-chat:provider";

/** The row's account check, typed by provider (TypeScript cannot narrow the table's union itself). */
export function accountParserOf<P extends ProviderId>(provider: P): (value: unknown) => AccountOf<P> | null {
  return PROVIDER_TABLE[provider].parseAccount as (value: unknown) => AccountOf<P> | null;
}
