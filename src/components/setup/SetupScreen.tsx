"use client";

import type { ReactNode } from "react";
import type { Connection } from "@/src/hooks/useConnection.ts";
import type { KeyAccount } from "@/src/lib/chutesAuth.ts";
import { describeAuthError } from "./authErrorText.ts";
import { ProviderSetup } from "./ProviderSetup.tsx";

export interface SetupScreenProps {
  session: Connection;
  signIn?: ReactNode;
  onConnected?: (account: KeyAccount) => void;
  /** The IdP's error from the last sign-in attempt, e.g. "access_denied". */
  authError?: string | null;
}

/** First-run screen: connect a provider before chatting. */
export function SetupScreen({ session, signIn, onConnected, authError }: SetupScreenProps) {
  return (
    <main className="mx-auto w-full max-w-xl px-4 py-10 sm:py-16">
      <h1 className="text-2xl font-semibold">Connect to Chutes</h1>
      <p className="mt-2 mb-6 text-zinc-700 dark:text-zinc-300">
        chutes-chat answers with models on Chutes and bills every answer to your own Chutes account.
      </p>
      {session.sessionEnded ? (
        <p role="alert" className="notice-error mb-4">
          Your Chutes session ended. Sign in with Chutes again to continue.
        </p>
      ) : authError ? (
        <p role="alert" className="notice-error mb-4">
          {describeAuthError(authError)}
        </p>
      ) : null}
      <ProviderSetup session={session} signIn={signIn} onConnected={onConnected} />
    </main>
  );
}
