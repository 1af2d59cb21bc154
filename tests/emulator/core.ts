// Builds the emulator's shared state and the operations tests use to steer it.
import type { Emulator } from "./context.ts";
import { InjectionQueue } from "./failures.ts";
import { Accounts } from "./identities.ts";
import { OAuthStore } from "./oauth-store.ts";
import { Recorder } from "./recorder.ts";
import type { EmulatorSettings } from "./types.ts";

const copySettings = (s: EmulatorSettings): EmulatorSettings => ({ ...s, redirectUris: [...s.redirectUris] });

export function createEmulator(initial: EmulatorSettings, baseUrl: () => string): Emulator {
  const startup = copySettings(initial);
  const settings = copySettings(initial);
  const accounts = new Accounts();
  const oauth = new OAuthStore();
  const injections = new InjectionQueue();
  const recorder = new Recorder();

  return {
    settings,
    accounts,
    oauth,
    injections,
    recorder,
    baseUrl,
    reset() {
      // Mutate in place: handles keep a reference to `settings`.
      Object.assign(settings, copySettings(startup));
      accounts.reset();
      oauth.reset();
      injections.clear();
      recorder.clear();
    },
    configure(patch) {
      const defined = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
      Object.assign(settings, defined);
      if (patch.redirectUris) settings.redirectUris = [...patch.redirectUris];
      return copySettings(settings);
    },
    state() {
      const active = oauth.activeCounts();
      return {
        ...oauth.counters,
        activeAccessTokens: active.access,
        activeRefreshTokens: active.refresh,
        pendingInjections: injections.size,
        requestsRecorded: recorder.count,
        balances: accounts.snapshot(),
        settings: copySettings(settings),
      };
    },
  };
}
