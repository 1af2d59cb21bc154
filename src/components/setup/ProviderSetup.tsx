"use client";

import type { ReactNode } from "react";
import type { Connection } from "@/src/hooks/useConnection.ts";
import type { KeyAccount } from "@/src/lib/chutesAuth.ts";
import { ActiveKeySummary } from "./ActiveKeySummary.tsx";
import { ApiKeyForm } from "./ApiKeyForm.tsx";
import { Disclosure } from "./Disclosure.tsx";
import { OpenRouterCard } from "./OpenRouterCard.tsx";
import { SignedInSummary } from "./SignedInSummary.tsx";

export interface ProviderSetupProps {
  session: Connection;
  /** "Sign in with Chutes", when this server has an OAuth app; without it the key form is open. */
  signIn?: ReactNode;
  /** Open "Advanced options" straight away (e.g. when a chat error says the key needs fixing). */
  advancedOpen?: boolean;
  /** After a key was validated and saved. */
  onConnected?: (account: KeyAccount) => void;
}

/** Provider cards: how this browser gets a credential for Chutes. */
export function ProviderSetup({ session, signIn, advancedOpen = false, onConnected }: ProviderSetupProps) {
  // With Sign in with Chutes (or once connected), the key is the advanced way in; without it, the
  // only way to connect Chutes, so the form is open.
  const keyForm = (
    <ApiKeyForm
      onValidated={(key, account) => {
        session.setApiKey(key, account);
        onConnected?.(account);
      }}
    />
  );
  return (
    <div className="space-y-4">
      <section aria-labelledby="provider-chutes" className="card space-y-4">
        <div className="flex flex-wrap items-center gap-2">
          <h2 id="provider-chutes" className="text-lg font-semibold">
            Chutes
          </h2>
          <span className="rounded-full bg-emerald-100 px-2 py-0.5 text-xs font-medium text-emerald-900 dark:bg-emerald-950 dark:text-emerald-200">
            Recommended
          </span>
        </div>
        <p className="text-sm text-zinc-700 dark:text-zinc-300">
          Open-source models on decentralised GPUs. Every answer is billed to your own Chutes account; this
          app never pays for or sees your credit.
        </p>
        {session.oauthUsername !== null ? (
          <SignedInSummary username={session.oauthUsername} keyWins={session.status === "api-key"} />
        ) : signIn ? (
          <div>{signIn}</div>
        ) : (
          <p className="text-sm text-zinc-700 dark:text-zinc-300">
            Sign in with Chutes is not set up on this server: connect with your Chutes API key.
          </p>
        )}
        {session.status === "api-key" && session.maskedKey ? (
          <ActiveKeySummary maskedKey={session.maskedKey} onRemove={session.clearApiKey} />
        ) : null}
        {session.provider === "openrouter" && session.chutesConnected ? (
          <button type="button" onClick={() => session.preferProvider("chutes")} className="btn-secondary">
            Use Chutes
          </button>
        ) : null}
        {signIn || session.chutesConnected ? (
          <Disclosure label="Advanced options" defaultOpen={advancedOpen}>
            {keyForm}
          </Disclosure>
        ) : (
          keyForm
        )}
      </section>
      <OpenRouterCard session={session} />
    </div>
  );
}
