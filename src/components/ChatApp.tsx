"use client";

import { type ReactNode, useState } from "react";
import { useChutesSession } from "@/src/hooks/useChutesSession.ts";
import { AppSkeleton } from "./AppSkeleton.tsx";
import { ChatScreen } from "./chat/ChatScreen.tsx";
import { SetupScreen } from "./SetupScreen.tsx";
import { describeAccount } from "./setup/accountText.ts";

export interface ChatAppProps {
  /** The "Sign in with Chutes" control, once OAuth exists. */
  signIn?: ReactNode;
  /** The server's CHUTES_DEFAULT_MODEL, used when the model list cannot be loaded. */
  defaultModel: string;
}

/** Picks the screen from the session: skeleton while it loads, setup without a credential, else chat. */
export function ChatApp({ signIn, defaultModel }: ChatAppProps) {
  const session = useChutesSession();
  // The setup screen unmounts as soon as a key is saved, so its success message moves to the chat.
  const [notice, setNotice] = useState<string | null>(null);

  switch (session.status) {
    case "loading":
      return <AppSkeleton />;
    case "signed-out":
      return (
        <SetupScreen
          session={session}
          signIn={signIn}
          onConnected={(account) => setNotice(describeAccount(account))}
        />
      );
    case "api-key":
    case "oauth":
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
