"use client";

import { useChat } from "@ai-sdk/react";
import { DefaultChatTransport } from "ai";
import { type ReactNode, useEffect, useLayoutEffect, useMemo, useRef, useState } from "react";
import type { ChutesSession } from "@/src/hooks/useChutesSession.ts";
import { type ChatMessage, messageMetadataSchema, messageText } from "@/src/lib/chat/messages.ts";
import { toErrorView } from "@/src/lib/errors.ts";
import { AuthBadge } from "./AuthBadge.tsx";
import { ChatErrorNotice } from "./ChatErrorNotice.tsx";
import { Composer } from "./Composer.tsx";
import { MessageList } from "./MessageList.tsx";
import { ModelPicker } from "./ModelPicker.tsx";
import { ProviderSetup } from "./ProviderSetup.tsx";
import { SettingsPanel } from "./SettingsPanel.tsx";
import { useModelCatalog } from "./useModelCatalog.ts";
import { useModelChoice } from "./useModelChoice.ts";

export interface ChatScreenProps {
  session: ChutesSession;
  /** A one-off message, e.g. "Connected as alice, balance $12.35" right after setup. */
  notice?: string | null;
  onDismissNotice?: () => void;
  /** Passed on to ProviderSetup in the settings panel. */
  signIn?: ReactNode;
  /** The server's CHUTES_DEFAULT_MODEL. */
  defaultModel: string;
}

type ModelRequestBody = { model: string };

export function ChatScreen({ session, notice, onDismissNotice, signIn, defaultModel }: ChatScreenProps) {
  const catalog = useModelCatalog(session.requestHeaders, session.credentialId);
  const { model, choose } = useModelChoice(catalog, defaultModel);
  const modelSelectRef = useRef<HTMLSelectElement>(null);
  const settingsButtonRef = useRef<HTMLButtonElement>(null);
  const [settings, setSettings] = useState<{ advancedOpen: boolean } | null>(null);

  // The transport is created once; it reads the current credential and model at request time.
  const sessionRef = useRef(session);
  const modelRef = useRef(model);
  const modelWaiters = useRef<Array<(body: ModelRequestBody) => void>>([]);
  useLayoutEffect(() => {
    sessionRef.current = session;
  }, [session]);
  useLayoutEffect(() => {
    modelRef.current = model;
    if (model === null) return;
    for (const resolve of modelWaiters.current.splice(0)) resolve({ model });
  }, [model]);

  const transport = useMemo(
    () =>
      new DefaultChatTransport<ChatMessage>({
        api: "/api/chat",
        headers: () => sessionRef.current.requestHeaders(),
        // A message sent before the model list arrived waits for it rather than guessing a model.
        body: () => {
          const current = modelRef.current;
          if (current !== null) return { model: current };
          return new Promise<ModelRequestBody>((resolve) => {
            modelWaiters.current.push(resolve);
          });
        },
      }),
    [],
  );

  const { messages, sendMessage, status, error, stop, regenerate, clearError } = useChat<ChatMessage>({
    transport,
    messageMetadataSchema,
  });
  const busy = status === "submitted" || status === "streaming";
  const errorView = error ? toErrorView(error) : null;

  // The server ended the OAuth session (refresh refused): re-read it so setup offers sign-in again.
  const sessionEnded = errorView?.code === "session_expired";
  const { refresh } = session;
  useEffect(() => {
    if (sessionEnded) refresh();
  }, [sessionEnded, refresh]);

  // An error after part of an answer arrived: keep that part and mark it, even after the notice is dismissed.
  const last = messages.at(-1);
  const partialId = error && last?.role === "assistant" && messageText(last).length > 0 ? last.id : undefined;
  const [cutOffIds, setCutOffIds] = useState<ReadonlySet<string>>(() => new Set());
  useEffect(() => {
    if (partialId) setCutOffIds((prev) => (prev.has(partialId) ? prev : new Set(prev).add(partialId)));
  }, [partialId]);
  const incompleteIds = useMemo(
    () => (partialId ? new Set(cutOffIds).add(partialId) : cutOffIds),
    [cutOffIds, partialId],
  );

  function closeSettings() {
    setSettings(null);
    settingsButtonRef.current?.focus();
  }

  return (
    <div className="flex h-dvh flex-col">
      <header className="border-b border-zinc-200 dark:border-zinc-800">
        <div className="mx-auto flex w-full max-w-5xl flex-wrap items-center gap-x-4 gap-y-2 px-4 py-3">
          <h1 className="text-lg font-semibold">chutes-chat</h1>
          <AuthBadge status={session.status} user={session.user} />
          <div className="order-last w-full sm:order-none sm:w-auto sm:flex-1">
            <ModelPicker catalog={catalog} value={model} onChange={choose} selectRef={modelSelectRef} />
          </div>
          <button
            ref={settingsButtonRef}
            type="button"
            onClick={() => setSettings({ advancedOpen: false })}
            aria-expanded={settings !== null}
            className="btn-secondary ml-auto sm:ml-0"
          >
            Settings
          </button>
        </div>
      </header>

      <main className="flex min-h-0 flex-1 flex-col">
        {notice ? (
          <div className="mx-auto w-full max-w-3xl px-4 pt-3">
            <div role="status" className="notice-success flex items-start justify-between gap-3">
              <p>{notice}</p>
              {onDismissNotice ? (
                <button
                  type="button"
                  onClick={onDismissNotice}
                  className="btn-ghost"
                  aria-label="Dismiss notice"
                >
                  ×
                </button>
              ) : null}
            </div>
          </div>
        ) : null}

        <MessageList messages={messages} busy={busy} incompleteIds={incompleteIds} />

        {errorView ? (
          <div className="mx-auto w-full max-w-3xl px-4 pb-3">
            <ChatErrorNotice
              view={errorView}
              onOpenSetup={() => setSettings({ advancedOpen: true })}
              onRetry={() => {
                void regenerate().catch(() => undefined);
              }}
              onPickModel={() => modelSelectRef.current?.focus()}
              onDismiss={clearError}
            />
          </div>
        ) : null}

        <Composer
          busy={busy}
          onSend={(text) => {
            if (busy) return false;
            // Failures surface through `error`; the user's message stays in the list either way.
            void sendMessage({ text }).catch(() => undefined);
            return true;
          }}
          onStop={() => {
            void stop();
          }}
        />
      </main>

      {settings ? (
        <SettingsPanel onClose={closeSettings}>
          <ProviderSetup
            key={String(settings.advancedOpen)}
            session={session}
            signIn={signIn}
            advancedOpen={settings.advancedOpen}
          />
        </SettingsPanel>
      ) : null}
    </div>
  );
}
