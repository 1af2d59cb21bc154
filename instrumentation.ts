// Runs once when the server starts. Node-only work lives in modules imported only on Node, so
// the Edge bundle (proxy.ts) never sees it.
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    // Settings checked and, with DATABASE_URL, migrations applied, before the first request.
    const { checkStartupOrExit } = await import("./src/lib/startupCheck.ts");
    await checkStartupOrExit();
    const { installGracefulShutdown } = await import("./src/lib/server/shutdown.ts");
    installGracefulShutdown();
  }
}
