// Runs once when the server starts. Node-only work lives in a module imported only on Node, so
// the Edge bundle (proxy.ts) never sees it.
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { refuseUnrepresentableMethods } = await import("./src/lib/proxy/unrepresentableMethods.ts");
    refuseUnrepresentableMethods();
    const { checkStartupOrExit } = await import("./src/lib/startupCheck.ts");
    await checkStartupOrExit();
    const { advertiseIngestHandoffFromConfig } = await import("./src/lib/ingestHandoff/advertise.ts");
    advertiseIngestHandoffFromConfig();
  }
}
