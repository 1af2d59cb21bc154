"use client";

import { signOut } from "next-auth/react";
import { useState } from "react";

export interface SignedInSummaryProps {
  username: string;
  /** A pasted key currently outranks this session. */
  keyWins: boolean;
}

/** Who is signed in with Chutes, and the way out (which also revokes the tokens at Chutes). */
export function SignedInSummary({ username, keyWins }: SignedInSummaryProps) {
  const [pending, setPending] = useState(false);
  return (
    <div className="flex flex-wrap items-center justify-between gap-3 rounded-lg bg-zinc-100 p-3 dark:bg-zinc-900">
      <div className="min-w-0 text-sm">
        <p>
          Signed in with Chutes as <strong>{username}</strong>
        </p>
        {keyWins ? (
          <p className="text-zinc-600 dark:text-zinc-400">
            Your API key is used while it is saved; remove it to use this account.
          </p>
        ) : null}
      </div>
      <button
        type="button"
        disabled={pending}
        onClick={() => {
          setPending(true);
          void signOut({ redirect: false }).finally(() => setPending(false));
        }}
        className="btn-secondary shrink-0"
      >
        {pending ? "Signing out…" : "Sign out"}
      </button>
    </div>
  );
}
