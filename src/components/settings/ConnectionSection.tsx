"use client";

import type { ReactNode } from "react";
import type { Connection } from "@/src/hooks/useConnection.ts";
import { ProviderSetup } from "../setup/ProviderSetup.tsx";
import { describeAuthMethod, describeBalance } from "./accountBalance.ts";
import { SettingsSection } from "./SettingsPanel.tsx";

export interface ConnectionSectionProps {
  session: Connection;
  signIn?: ReactNode;
  advancedOpen: boolean;
}

/** Who pays for answers and the balance (one list, the only place it is shown), then the provider cards. */
export function ConnectionSection({ session, signIn, advancedOpen }: ConnectionSectionProps) {
  return (
    <SettingsSection title="Connection">
      <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 text-sm">
        <dt className="text-zinc-700 dark:text-zinc-300">Using</dt>
        <dd>{describeAuthMethod(session)}</dd>
        {session.user?.username ? (
          <>
            <dt className="text-zinc-700 dark:text-zinc-300">Account</dt>
            <dd>{session.user.username}</dd>
          </>
        ) : null}
        {session.status === "signed-out" ? null : (
          <>
            <dt className="text-zinc-700 dark:text-zinc-300">Balance</dt>
            <dd data-testid="account-balance">{describeBalance(session)}</dd>
          </>
        )}
      </dl>
      <ProviderSetup
        key={String(advancedOpen)}
        session={session}
        signIn={signIn}
        advancedOpen={advancedOpen}
      />
    </SettingsSection>
  );
}
