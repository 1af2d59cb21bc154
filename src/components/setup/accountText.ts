import type { KeyAccount } from "@/src/lib/chutesAuth.ts";

// Wording shared by the setup card and the chat header, so both describe an account the same way.

const SCOPED_KEY_SUMMARY = "Scoped key: account details unavailable";
export const SCOPED_KEY_EXPLANATION =
  "Chutes does not let invoke-only (scoped) keys read the account, so the username and balance cannot be shown. Chat still works.";

export function formatBalance(balance: number): string {
  return `$${balance.toFixed(2)}`;
}

/** "Connected as alice, balance $12.35" for admin keys; the scoped-key summary otherwise. */
export function describeAccount(
  account: Pick<KeyAccount, "username" | "balance"> & { scope: string },
): string {
  if (account.scope === "scoped") return SCOPED_KEY_SUMMARY;
  const who = account.username ?? "your Chutes account";
  const balance = account.balance === null ? "balance unknown" : `balance ${formatBalance(account.balance)}`;
  return `Connected as ${who}, ${balance}`;
}
