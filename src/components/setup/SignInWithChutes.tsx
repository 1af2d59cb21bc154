"use client";

import { useChutesSignIn } from "./useChutesSignIn.ts";

/** "Sign in with Chutes": OAuth on the Chutes IDP; tokens stay in the server's encrypted session. */
export function SignInWithChutes() {
  const { pending, start } = useChutesSignIn();
  return (
    <button
      type="button"
      disabled={pending}
      aria-busy={pending}
      onClick={start}
      className="btn-primary w-full sm:w-auto"
    >
      {pending ? "Redirecting to Chutes…" : "Sign in with Chutes"}
    </button>
  );
}
