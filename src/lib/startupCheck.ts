import "server-only";
import { ConfigError, getConfig } from "./config.ts";

/** A bad setting stops the server here with one line naming it, not on the first request. */
export function checkConfigOrExit(): void {
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
