"use client";

import { type FormEvent, type ReactNode, useId, useState } from "react";
import { requestKeyValidation } from "@/src/lib/api/validateKey.ts";
import { type AccountOf, PROVIDER_TABLE } from "@/src/lib/credentials/providers.ts";
import { type ProviderId, toErrorView } from "@/src/lib/errors.ts";

type Phase<A> =
  | { kind: "idle" }
  | { kind: "checking" }
  | { kind: "saved"; account: A }
  | { kind: "failed"; title: string; message: string };

export interface KeyEntryFormProps<P extends ProviderId> {
  /** The provider's row of the table supplies the label, help, format check and validation route. */
  provider: P;
  /** Called only with a key the provider accepted; the caller stores it. */
  onValidated: (key: string, account: AccountOf<P>) => void;
  describeSaved: (account: AccountOf<P>) => ReactNode;
  /** Our server asks the provider whether the key works (tests may pass their own fetch). */
  fetchImpl?: typeof fetch;
}

/** Paste → format check (local) → validation by our server → save. One form for every provider. */
export function KeyEntryForm<P extends ProviderId>({
  provider,
  onValidated,
  describeSaved,
  fetchImpl,
}: KeyEntryFormProps<P>) {
  const spec = PROVIDER_TABLE[provider];
  const { label, name, placeholder, help } = spec.form;
  const inputId = useId();
  const helpId = useId();
  const feedbackId = useId();
  const [value, setValue] = useState("");
  const [visible, setVisible] = useState(false);
  const [phase, setPhase] = useState<Phase<AccountOf<P>>>({ kind: "idle" });
  const checking = phase.kind === "checking";

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (checking) return;
    // A local shape check, so an obviously wrong paste never leaves the browser.
    const format = spec.checkFormat(value);
    if (!format.ok) {
      setPhase({ kind: "failed", title: spec.form.formatErrorTitle, message: format.message });
      return;
    }
    setPhase({ kind: "checking" });
    const result = await requestKeyValidation(provider, format.key, fetchImpl);
    if (!result.ok) {
      const view = toErrorView(result.error);
      // The typed text stays in the input so the user can correct it.
      setPhase({ kind: "failed", title: view.title, message: view.message });
      return;
    }
    onValidated(format.key, result.data);
    setValue("");
    setVisible(false);
    setPhase({ kind: "saved", account: result.data });
  }

  return (
    <form onSubmit={submit} noValidate className="space-y-3">
      <div>
        <label htmlFor={inputId} className="block text-sm font-medium">
          {label}
        </label>
        <div className="mt-1 flex gap-2">
          <input
            id={inputId}
            name={name}
            type={visible ? "text" : "password"}
            value={value}
            onChange={(event) => {
              setValue(event.target.value);
              if (phase.kind === "failed") setPhase({ kind: "idle" });
            }}
            placeholder={placeholder}
            autoComplete="off"
            autoCapitalize="off"
            autoCorrect="off"
            spellCheck={false}
            aria-invalid={phase.kind === "failed"}
            aria-describedby={`${helpId} ${feedbackId}`}
            className="input min-w-0 flex-1 font-mono text-sm"
          />
          <button type="button" onClick={() => setVisible((v) => !v)} className="btn-secondary shrink-0">
            {visible ? "Hide key" : "Show key"}
          </button>
        </div>
      </div>
      <p id={helpId} className="text-sm text-zinc-600 dark:text-zinc-400">
        {help}
      </p>
      <button type="submit" disabled={checking} aria-busy={checking} className="btn-primary w-full sm:w-auto">
        {checking ? "Checking…" : "Validate and save"}
      </button>
      <div id={feedbackId}>
        {phase.kind === "failed" ? (
          <div role="alert" className="notice-error">
            <p className="font-semibold">{phase.title}</p>
            <p>{phase.message}</p>
          </div>
        ) : null}
        {phase.kind === "saved" ? (
          <div role="status" className="notice-success">
            {describeSaved(phase.account)}
          </div>
        ) : null}
      </div>
    </form>
  );
}
