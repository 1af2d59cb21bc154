// Runs once when the server starts: a bad setting stops it here with one line that names the
// variable, instead of surfacing as a failed request later.
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { getConfig, ConfigError } = await import("./src/lib/config.ts");
  try {
    getConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`chutes-chat: ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
}
