// The seed's entry point for the provider cards. They live in the setup room now; this path stays so
// the product's design keeps its name for them.
export { ProviderSetup, type ProviderSetupProps } from "../setup/ProviderSetup.tsx";
