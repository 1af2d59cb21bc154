"use client";

import type { ConnectedUser, ConnectionStatus } from "@/src/hooks/useConnection.ts";
import { formatBalance } from "../setup/accountText.ts";

export interface AuthBadgeProps {
  status: ConnectionStatus;
  user: ConnectedUser | null;
}

/** Which credential pays for answers: "API Key" or "Signed In". */
export function AuthBadge({ status, user }: AuthBadgeProps) {
  if (status === "loading" || status === "signed-out") return null;
  const label = { "api-key": "API Key", oauth: "Signed In", openrouter: "OpenRouter" }[status];
  const details = [user?.username, user?.balance == null ? null : formatBalance(user.balance)]
    .filter(Boolean)
    .join(" · ");
  return (
    <div className="flex min-w-0 items-center gap-2 text-sm">
      <span className="rounded-full bg-sky-100 px-2.5 py-0.5 text-xs font-semibold text-sky-900 dark:bg-sky-950 dark:text-sky-200">
        {label}
      </span>
      {details ? (
        <span className="hidden truncate text-zinc-700 sm:inline dark:text-zinc-300">{details}</span>
      ) : null}
    </div>
  );
}
