"use client";

import { type FormEvent, type ReactNode, useId, useState } from "react";
import type { KeyValidationResult } from "@/src/lib/browserKeys.ts";
import { toErrorView } from "@/src/lib/errors.ts";

type Phase<A> =
  | { kind: "idle" }
  | { kind: "checking" }
  | { kind: "saved"; account: A }
  | { kind: "failed"; title: string; message: string };

type FormatCheck = { ok: true; key: string } | { ok: false; title: string; message: string };

export interface KeyEntryFormProps<A> {
  /** The input's visible label, e.g. "Chutes API key". */
  label: string;
  name: string;
  placeholder: string;
  help: ReactNode;
  /** Local shape check, so an obviously wrong paste never leaves the browser. */
  checkFormat: (value: string) => FormatCheck;
  /** Our server asks the provider whether the key works. */
  validate: (key: string) => Promise<KeyValidationResult<A>>;
  /** Called only with a key the provider accepted; the caller stores it. */
  onValidated: (key: string, account: A) => void;
  describeSaved: (account: A) => ReactNode;
}

/** Paste → format check (local) → validation by our server → save. One form for every provider. */
export function KeyEntryForm<A>({
  label,
  name,
  placeholder,
  help,
  checkFormat,
  validate,
  onValidated,
  describeSaved,
}: KeyEntryFormProps<A>) {
  const inputId = useId();
  const helpId = useId();
  const feedbackId = useId();
  const [value, setValue] = useState("");
  const [visible, setVisible] = useState(false);
  const [phase, setPhase] = useState<Phase<A>>({ kind: "idle" });
  const checking = phase.kind === "checking";

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (checking) return;
    const format = checkFormat(value);
    if (!format.ok) {
      setPhase({ kind: "failed", title: format.title, message: format.message });
      return;
    }
    setPhase({ kind: "checking" });
    const result = await validate(format.key);
    if (!result.ok) {
      const view = toErrorView(result.error);
      // The typed text stays in the input so the user can correct it.
      setPhase({ kind: "failed", title: view.title, message: view.message });
      return;
    }
    onValidated(format.key, result.account);
    setValue("");
    setVisible(false);
    setPhase({ kind: "saved", account: result.account });
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
