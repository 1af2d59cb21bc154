"use client";

import type { ConnectedUser } from "@/src/hooks/useConnection.ts";
import { formatBalance } from "./accountText.ts";

export interface ActiveKeySummaryProps {
  maskedKey: string;
  user: ConnectedUser | null;
  onRemove: () => void;
}

/** The saved key, masked, with what Chutes told us about its account. */
export function ActiveKeySummary({ maskedKey, user, onRemove }: ActiveKeySummaryProps) {
  const scoped = user?.scope === "scoped";
  return (
    <div className="flex flex-wrap items-center justify-between gap-3 rounded-lg bg-zinc-100 p-3 dark:bg-zinc-900">
      <div className="min-w-0 text-sm">
        <p>
          Active key: <code className="font-mono">{maskedKey}</code>
        </p>
        <p className="text-zinc-600 dark:text-zinc-400">
          {scoped
            ? "Scoped key (account details unavailable)"
            : `Account: ${user?.username ?? "unknown"} · Balance: ${
                user?.balance == null ? "unknown" : formatBalance(user.balance)
              }`}
        </p>
      </div>
      <button type="button" onClick={onRemove} className="btn-danger shrink-0">
        Remove key
      </button>
    </div>
  );
}
