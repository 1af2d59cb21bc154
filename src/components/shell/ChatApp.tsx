"use client";

import { SessionProvider } from "next-auth/react";
import { useEffect, useState } from "react";
import { useConnection } from "@/src/hooks/useConnection.ts";
import { describeAccount } from "../setup/accountText.ts";
import { SetupScreen } from "../setup/SetupScreen.tsx";
import { SignInWithChutes } from "../setup/SignInWithChutes.tsx";
import { AppSkeleton } from "./AppSkeleton.tsx";
import { ChatScreen } from "./ChatScreen.tsx";

export interface ChatAppProps {
  /** The server's CHUTES_DEFAULT_MODEL, used when the model list cannot be loaded. */
  defaultModel: string;
  /** The operator configured "Sign in with Chutes" (CHUTES_CLIENT_ID). */
  oauthEnabled?: boolean;
}

export function ChatApp({ defaultModel, oauthEnabled = false }: ChatAppProps) {
  // Without OAuth there is no session to fetch: `null` tells next-auth not to ask for one.
  return (
    <SessionProvider session={oauthEnabled ? undefined : null}>
      <Screens defaultModel={defaultModel} oauthEnabled={oauthEnabled} />
    </SessionProvider>
  );
}

/** Picks the screen from the session: skeleton while it loads, setup without a credential, else chat. */
function Screens({ defaultModel, oauthEnabled }: Required<ChatAppProps>) {
  const session = useConnection();
  // The setup screen unmounts as soon as a key is saved, so its success message moves to the chat.
  const [notice, setNotice] = useState<string | null>(null);
  const authError = useAuthErrorFromUrl();
  const signIn = <SignInWithChutes enabled={oauthEnabled} />;

  switch (session.status) {
    case "loading":
      return <AppSkeleton />;
    case "signed-out":
      return (
        <SetupScreen
          session={session}
          signIn={signIn}
          authError={authError}
          onConnected={(account) => setNotice(describeAccount(account))}
        />
      );
    case "api-key":
    case "oauth":
    case "openrouter":
      return (
        <ChatScreen
          session={session}
          notice={notice}
          onDismissNotice={() => setNotice(null)}
          signIn={signIn}
          defaultModel={defaultModel}
        />
      );
  }
}

/** Reads `?authError=` once and removes it from the address bar, so a reload does not repeat it. */
function useAuthErrorFromUrl(): string | null {
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const url = new URL(window.location.href);
    const code = url.searchParams.get("authError");
    if (!code) return;
    setError(code);
    url.searchParams.delete("authError");
    window.history.replaceState(null, "", url);
  }, []);
  return error;
}
