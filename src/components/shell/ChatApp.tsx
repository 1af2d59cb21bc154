"use client";

import { SessionProvider } from "next-auth/react";
import { lazy, Suspense, useDeferredValue, useEffect, useRef, useState } from "react";
import { useConnection } from "@/src/hooks/useConnection.ts";
import { describeAccount } from "../setup/accountText.ts";
import { SetupScreen } from "../setup/SetupScreen.tsx";
import { SignInWithChutes } from "../setup/SignInWithChutes.tsx";
import { ChatShell } from "./ChatShell.tsx";
import { type ConnectionHint, type FirstScreen, syncConnectionHint } from "./connectionHint.ts";

// The chat (AI SDK, history, settings) is most of the app's JavaScript: the setup screen does not
// wait for it, and a returning browser sees the server-painted chat frame until it arrives.
const ChatScreen = lazy(() => import("./ChatScreen.tsx").then((m) => ({ default: m.ChatScreen })));

export interface ChatAppProps {
  /** The server's CHUTES_DEFAULT_MODEL, used when the model list cannot be loaded. */
  defaultModel: string;
  /** The operator configured "Sign in with Chutes" (CHUTES_CLIENT_ID). */
  oauthEnabled?: boolean;
  /** What the server knew from this browser's cookies; shown until the browser has read its keys. */
  firstScreen?: FirstScreen;
  /** The hint cookie as the server read it (see connectionHint.ts). */
  hint?: ConnectionHint | null;
}

export function ChatApp({
  defaultModel,
  oauthEnabled = false,
  firstScreen = "setup",
  hint = null,
}: ChatAppProps) {
  // Without OAuth there is no session to fetch: `null` tells next-auth not to ask for one.
  return (
    <SessionProvider session={oauthEnabled ? undefined : null}>
      <noscript>
        <p role="alert" className="notice-error m-4">
          chutes-chat needs JavaScript: turn it on for this site to connect and chat.
        </p>
      </noscript>
      <Screens
        defaultModel={defaultModel}
        oauthEnabled={oauthEnabled}
        firstScreen={firstScreen}
        hint={hint}
      />
    </SessionProvider>
  );
}

/**
 * Picks the screen from the connection: setup without a credential, else chat. Until the browser
 * has read its keys, the server's guess from the cookies (so a returning user never sees setup).
 */
function Screens({ defaultModel, oauthEnabled, firstScreen, hint }: Required<ChatAppProps>) {
  const session = useConnection();
  const hintInCookie = useRef(hint);
  useEffect(() => {
    hintInCookie.current = syncConnectionHint(session.status, hintInCookie.current);
  }, [session.status]);
  // The setup screen unmounts as soon as a key is saved, so its success message moves to the chat.
  const [notice, setNotice] = useState<string | null>(null);
  const authError = useAuthErrorFromUrl();
  // Offered only where it works: without an OAuth app the setup screen opens the key form instead.
  const signIn = oauthEnabled ? <SignInWithChutes /> : undefined;

  const setup = (
    <SetupScreen
      session={session}
      signIn={signIn}
      authError={authError}
      onConnected={(account) => setNotice(describeAccount(account))}
    />
  );
  // The screen follows the connection one render behind (a deferred value renders in the background):
  // when the chat's lazy modules are still on their way, the screen on show stays until they arrive.
  // A returning browser keeps the server-painted frame it hydrated, instead of React replacing it with
  // a fresh copy (the Suspense fallback) and then replacing that: one mount of the chat, not two.
  const shown = useDeferredValue(session);
  // A key can be checked and saved before the Sign in with Chutes session has loaded: the same
  // screen, with the same success message, as once it has.
  const loading = firstScreen === "chat" ? <ChatShell /> : setup;
  return (
    <Suspense fallback={<ChatShell />}>
      {shown.status === "loading" ? (
        loading
      ) : shown.status === "signed-out" ? (
        setup
      ) : (
        <ChatScreen
          session={shown}
          notice={notice}
          onDismissNotice={() => setNotice(null)}
          signIn={signIn}
          defaultModel={defaultModel}
        />
      )}
    </Suspense>
  );
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
