// Drives a separately running emulator (e.g. `npm run emulator` under Playwright) over its
// /_emulator control endpoints.
import type {
  EmulatorSettings,
  EmulatorState,
  InjectionRule,
  RecordedRequest,
  RequestFilter,
} from "./types.ts";

export class EmulatorClient {
  readonly baseUrl: string;

  /** @param baseUrl the emulator root, e.g. http://127.0.0.1:8787 */
  constructor(baseUrl: string) {
    this.baseUrl = baseUrl.replace(/\/+$/, "");
  }

  private async call<T>(method: "GET" | "POST", path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.baseUrl}/_emulator${path}`, {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`emulator ${method} ${path} failed: ${response.status} ${text}`);
    return JSON.parse(text) as T;
  }

  requests(filter: RequestFilter = {}): Promise<RecordedRequest[]> {
    const query = new URLSearchParams();
    for (const [name, value] of Object.entries(filter))
      if (value !== undefined) query.set(name, String(value));
    const suffix = query.size > 0 ? `?${query}` : "";
    return this.call("GET", `/requests${suffix}`);
  }

  async reset(): Promise<void> {
    await this.call("POST", "/reset", {});
  }

  async inject(rule: InjectionRule): Promise<void> {
    await this.call("POST", "/inject", rule);
  }

  configure(patch: Partial<EmulatorSettings>): Promise<EmulatorSettings> {
    return this.call("POST", "/config", patch);
  }

  /** Marks every refresh and access token revoked (optionally only one user's). Returns the count. */
  async revokeAllRefreshTokens(username?: string): Promise<number> {
    const result = await this.call<{ revoked: number }>(
      "POST",
      "/oauth/revoke-all",
      username ? { username } : {},
    );
    return result.revoked;
  }

  async setBalance(username: string, balance: number): Promise<void> {
    await this.call("POST", `/users/${encodeURIComponent(username)}/balance`, { balance });
  }

  state(): Promise<EmulatorState> {
    return this.call("GET", "/state");
  }
}
