"use client";

import { signIn } from "next-auth/react";
import { useCallback, useState } from "react";

/** Starts Sign in with Chutes (a redirect to the IDP); `pending` until the page leaves. */
export function useChutesSignIn(): { pending: boolean; start: () => void } {
  const [pending, setPending] = useState(false);
  const start = useCallback(() => {
    setPending(true);
    void signIn("chutes", { callbackUrl: "/" });
  }, []);
  return { pending, start };
}
