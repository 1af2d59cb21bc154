// The emulator's shared state and the per-request context handed to route handlers.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { EndpointKind, InjectionQueue } from "./failures.ts";
import type { ParsedBody } from "./http.ts";
import type { Accounts } from "./identities.ts";
import type { OAuthStore } from "./oauth-store.ts";
import type { Recorder } from "./recorder.ts";
import type { EmulatorSettings, EmulatorState, HostKind, InjectionRule } from "./types.ts";

export type Emulator = {
  /** Live settings (mutated by configure()). */
  settings: EmulatorSettings;
  accounts: Accounts;
  oauth: OAuthStore;
  injections: InjectionQueue;
  recorder: Recorder;
  /** http://host:port of the running server: the api host, issuer and IDP base. */
  baseUrl: () => string;
  /** Clears recordings, injections and tokens; restores start-up settings and balances. */
  reset: () => void;
  /** Applies a validated settings patch and returns the new settings. */
  configure: (patch: Partial<EmulatorSettings>) => EmulatorSettings;
  state: () => EmulatorState;
};

export type RequestContext = {
  emu: Emulator;
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  body: ParsedBody;
  host: HostKind;
  endpoint: EndpointKind;
  /** An injected stream-behaviour failure (midstream_error, engine_error_event, slow_first_token). */
  streamFailure: InjectionRule | undefined;
  drop: () => void;
};
