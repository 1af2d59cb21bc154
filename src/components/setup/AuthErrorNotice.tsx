"use client";

import { describeAuthError } from "./authErrorText.ts";
import { useChutesSignIn } from "./useChutesSignIn.ts";

/** Why the last sign-in failed, and "Try again" (the operator may have fixed a setting meanwhile). */
export function AuthErrorNotice({ code }: { code: string }) {
  const { pending, start } = useChutesSignIn();
  return (
    <div role="alert" className="notice-error mb-4 space-y-2">
      <p>{describeAuthError(code)}</p>
      <button type="button" disabled={pending} aria-busy={pending} onClick={start} className="btn-secondary">
        {pending ? "Redirecting to Chutes…" : "Try again"}
      </button>
    </div>
  );
}
