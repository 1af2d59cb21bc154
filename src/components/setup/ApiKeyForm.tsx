"use client";

import type { KeyAccount } from "@/src/lib/chutesAuth.ts";
import { describeAccount, SCOPED_KEY_EXPLANATION } from "./accountText.ts";
import { KeyEntryForm } from "./KeyEntryForm.tsx";

export interface ApiKeyFormProps {
  /** Called only with a key Chutes accepted; the caller stores it. */
  onValidated: (key: string, account: KeyAccount) => void;
}

/** The Chutes API key form under "Advanced options". */
export function ApiKeyForm({ onValidated }: ApiKeyFormProps) {
  return (
    <KeyEntryForm
      provider="chutes"
      onValidated={onValidated}
      describeSaved={(account) => (
        <>
          <p className="font-semibold">{describeAccount(account)}</p>
          {account.scope === "scoped" ? <p>{SCOPED_KEY_EXPLANATION}</p> : null}
        </>
      )}
    />
  );
}
