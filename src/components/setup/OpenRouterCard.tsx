"use client";

import type { Connection } from "@/src/hooks/useConnection.ts";
import type { OpenRouterAccount } from "@/src/lib/openrouterAuth.ts";
import { formatBalance } from "./accountText.ts";
import { Disclosure } from "./Disclosure.tsx";
import { KeyEntryForm } from "./KeyEntryForm.tsx";

function describeCredit(account: OpenRouterAccount): string {
  return account.creditRemaining === null
    ? "Connected to OpenRouter"
    : `Connected to OpenRouter, credit ${formatBalance(account.creditRemaining)}`;
}

/** OpenRouter, the second provider: a pasted key, kept in this browser like the Chutes key. */
export function OpenRouterCard({ session }: { session: Connection }) {
  const saved = session.openRouter;
  const active = session.provider === "openrouter";
  return (
    <section aria-labelledby="provider-openrouter" className="card space-y-4">
      <div className="flex flex-wrap items-center gap-2">
        <h2 id="provider-openrouter" className="text-lg font-semibold">
          OpenRouter
        </h2>
        {active ? (
          <span className="rounded-full bg-sky-100 px-2 py-0.5 text-xs font-medium text-sky-900 dark:bg-sky-950 dark:text-sky-200">
            In use
          </span>
        ) : null}
      </div>
      <p className="text-sm text-zinc-700 dark:text-zinc-300">
        Chat through OpenRouter with your own OpenRouter key instead. Answers are billed to your OpenRouter
        credit; the knowledge base is then searched by text only.
      </p>
      {saved ? (
        <div className="flex flex-wrap items-center justify-between gap-3 rounded-lg bg-zinc-100 p-3 dark:bg-zinc-900">
          <div className="min-w-0 text-sm">
            <p>
              Active key: <code className="font-mono">{saved.maskedKey}</code>
            </p>
            <p className="text-zinc-600 dark:text-zinc-400">{describeCredit(saved.account)}</p>
          </div>
          <div className="flex flex-wrap gap-2">
            {active ? null : (
              <button
                type="button"
                onClick={() => session.preferProvider("openrouter")}
                className="btn-secondary"
              >
                Use OpenRouter
              </button>
            )}
            <button type="button" onClick={session.clearOpenRouterKey} className="btn-danger">
              Remove OpenRouter key
            </button>
          </div>
        </div>
      ) : null}
      <Disclosure label="OpenRouter key">
        <KeyEntryForm
          provider="openrouter"
          onValidated={session.setOpenRouterKey}
          describeSaved={(account) => <p className="font-semibold">{describeCredit(account)}</p>}
        />
      </Disclosure>
    </section>
  );
}
