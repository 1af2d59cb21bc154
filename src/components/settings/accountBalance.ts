import type { Connection } from "@/src/hooks/useConnection.ts";
import { formatBalance } from "../setup/accountText.ts";

const SCOPED_BALANCE_NOTE = "Chutes does not let scoped keys read the account balance.";

/** Which provider and credential pay for answers, in words. */
export function describeAuthMethod(session: Pick<Connection, "status" | "user">): string {
  switch (session.status) {
    case "api-key":
      return session.user?.scope === "scoped" ? "Chutes · scoped API key" : "Chutes · API key";
    case "oauth":
      return "Chutes · Sign in with Chutes";
    case "openrouter":
      return "OpenRouter · API key";
    default:
      return "Not connected";
  }
}

/** The balance when Chutes told us, or why it is not shown (the value of the "Balance" row). */
export function describeBalance(session: Pick<Connection, "status" | "user">): string {
  if (session.user?.scope === "scoped") return SCOPED_BALANCE_NOTE;
  if (session.user?.balance != null) return formatBalance(session.user.balance);
  if (session.status === "oauth") return "not available when signed in with Chutes";
  return "unknown";
}
