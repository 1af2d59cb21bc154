// Runs once when the server starts. Node-only work lives in modules imported only on Node, so
// the Edge bundle (proxy.ts) never sees it.
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    // API requests' headers and refusals, and TRACE/TRACK (which Next cannot represent), at the server.
    const { installHttpGate } = await import("./src/lib/proxy/httpGate.ts");
    installHttpGate();
    // Settings checked and, with DATABASE_URL, migrations applied, before the first request.
    const { checkStartupOrExit } = await import("./src/lib/startupCheck.ts");
    await checkStartupOrExit();
    const { installGracefulShutdown } = await import("./src/lib/server/shutdown.ts");
    installGracefulShutdown();
    const { advertiseIngestHandoffFromConfig } = await import("./src/lib/ingestHandoff/advertise.ts");
    advertiseIngestHandoffFromConfig();
    // The knowledge base opened now rather than by the first chat (never fatal, no upstream call).
    const { startWarmUp } = await import("./src/lib/server/warmUp.ts");
    void startWarmUp();
  }
}
