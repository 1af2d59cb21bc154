"use client";

import { signIn } from "next-auth/react";
import { useState } from "react";

/** "Sign in with Chutes": OAuth on the Chutes IDP; tokens stay in the server's encrypted session. */
export function SignInWithChutes() {
  const [pending, setPending] = useState(false);

  return (
    <button
      type="button"
      disabled={pending}
      aria-busy={pending}
      onClick={() => {
        setPending(true);
        void signIn("chutes", { callbackUrl: "/" });
      }}
      className="btn-primary w-full sm:w-auto"
    >
      {pending ? "Redirecting to Chutes…" : "Sign in with Chutes"}
    </button>
  );
}
