// Browser bundles get this module in place of `@ai-sdk/gateway` (next.config.ts). The browser never
// makes a model call: every one goes through /api/chat, which uses the Chutes or OpenRouter
// provider. `ai` is a single module that imports the gateway (its default provider) at the top, so
// without this the chat chunk carried about 76 KB of minified gateway code, and its schemas were
// built at load. These are the names `ai` imports; a renamed or added one fails the build.

const NOT_IN_BROWSER = "The AI Gateway provider is not available in the browser.";

export class GatewayError extends Error {
  readonly isRetryable = false;
  static isInstance(error: unknown): error is GatewayError {
    return error instanceof GatewayError;
  }
}

export class GatewayAuthenticationError extends GatewayError {}

export function createGateway(): never {
  throw new GatewayError(NOT_IN_BROWSER);
}

/** `ai` reaches for it only when a call names no provider, which the browser never does. */
export const gateway = createGateway as unknown as Record<string, never> & (() => never);
