"use client";

import { type FormEvent, useId, useState } from "react";
import {
  checkApiKeyFormat,
  describeKeyFormatProblem,
  type KeyAccount,
  requestKeyValidation,
} from "@/src/lib/chutesAuth.ts";
import { toErrorView } from "@/src/lib/errors.ts";
import { describeAccount, SCOPED_KEY_EXPLANATION } from "./accountText.ts";

type Phase =
  | { kind: "idle" }
  | { kind: "checking" }
  | { kind: "saved"; account: KeyAccount }
  | { kind: "failed"; title: string; message: string };

export interface ApiKeyFormProps {
  /** Called only with a key Chutes accepted; the caller stores it. */
  onValidated: (key: string, account: KeyAccount) => void;
}

/** Paste → format check (local) → validation by our server → save. */
export function ApiKeyForm({ onValidated }: ApiKeyFormProps) {
  const inputId = useId();
  const helpId = useId();
  const feedbackId = useId();
  const [value, setValue] = useState("");
  const [visible, setVisible] = useState(false);
  const [phase, setPhase] = useState<Phase>({ kind: "idle" });
  const checking = phase.kind === "checking";

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (checking) return;
    const format = checkApiKeyFormat(value);
    if (!format.ok) {
      // Caught here so an obviously wrong paste never leaves the browser.
      setPhase({
        kind: "failed",
        title: "That is not a Chutes API key",
        message: describeKeyFormatProblem(format.problem),
      });
      return;
    }
    setPhase({ kind: "checking" });
    const result = await requestKeyValidation(format.key);
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
          Chutes API key
        </label>
        <div className="mt-1 flex gap-2">
          <input
            id={inputId}
            name="chutes-api-key"
            type={visible ? "text" : "password"}
            value={value}
            onChange={(event) => {
              setValue(event.target.value);
              if (phase.kind === "failed") setPhase({ kind: "idle" });
            }}
            placeholder="cpk_…"
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
        Use a key instead of signing in for scripts, for a scoped invoke-only key, or when this server has no
        sign-in set up. The key stays in this browser and is sent to this app&apos;s server only to call
        Chutes; it is never stored there.
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
            <p className="font-semibold">{describeAccount(phase.account)}</p>
            {phase.account.scope === "scoped" ? <p>{SCOPED_KEY_EXPLANATION}</p> : null}
          </div>
        ) : null}
      </div>
    </form>
  );
}
