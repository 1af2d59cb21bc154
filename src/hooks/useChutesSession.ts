// The seed's entry point. The hook serves both providers, so it is named `useConnection`.
export * from "./useConnection.ts";
