"use client";

import {
  checkApiKeyFormat,
  describeKeyFormatProblem,
  type KeyAccount,
  requestKeyValidation,
} from "@/src/lib/chutesAuth.ts";
import { describeAccount, SCOPED_KEY_EXPLANATION } from "./accountText.ts";
import { KeyEntryForm } from "./KeyEntryForm.tsx";

export interface ApiKeyFormProps {
  /** Called only with a key Chutes accepted; the caller stores it. */
  onValidated: (key: string, account: KeyAccount) => void;
}

/** The Chutes API key form under "Advanced options". */
export function ApiKeyForm({ onValidated }: ApiKeyFormProps) {
  return (
    <KeyEntryForm<KeyAccount>
      label="Chutes API key"
      name="chutes-api-key"
      placeholder="cpk_…"
      help="Use a key instead of signing in for scripts, for a scoped invoke-only key, or when this server has no sign-in set up. The key stays in this browser and is sent to this app's server only to call Chutes; it is never stored there."
      checkFormat={(value) => {
        const format = checkApiKeyFormat(value);
        return format.ok
          ? format
          : {
              ok: false,
              title: "That is not a Chutes API key",
              message: describeKeyFormatProblem(format.problem),
            };
      }}
      validate={(key) => requestKeyValidation(key)}
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
