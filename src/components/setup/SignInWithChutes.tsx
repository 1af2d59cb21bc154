"use client";

import { signIn } from "next-auth/react";
import { useId, useState } from "react";

export interface SignInWithChutesProps {
  /** The operator configured an OAuth app (CHUTES_CLIENT_ID). */
  enabled: boolean;
}

/** "Sign in with Chutes": OAuth on the Chutes IDP; tokens stay in the server's encrypted session. */
export function SignInWithChutes({ enabled }: SignInWithChutesProps) {
  const [pending, setPending] = useState(false);
  const [explained, setExplained] = useState(false);
  const helpId = useId();

  if (!enabled) {
    return (
      <div className="space-y-2">
        <button
          type="button"
          aria-disabled="true"
          aria-describedby={explained ? helpId : undefined}
          onClick={() => setExplained(true)}
          className="btn-primary w-full cursor-not-allowed opacity-60 sm:w-auto"
        >
          Sign in with Chutes
        </button>
        {explained ? (
          <p id={helpId} role="status" className="text-sm text-zinc-700 dark:text-zinc-300">
            Sign in with Chutes is not set up on this server: its operator has not registered an OAuth app.
            You can still connect with a Chutes API key under Advanced options.
          </p>
        ) : null}
      </div>
    );
  }

  return (
    <button
      type="button"
      disabled={pending}
      aria-busy={pending}
      onClick={() => {
        setPending(true);
        void signIn("chutes", { callbackUrl: "/" });
      }}
      className="btn-primary w-full sm:w-auto"
    >
      {pending ? "Redirecting to Chutes…" : "Sign in with Chutes"}
    </button>
  );
}
