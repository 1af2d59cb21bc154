"use client";

import { lazy, type ReactNode, Suspense, useCallback, useEffect, useMemo, useRef, useState } from "react";
import type { Connection } from "@/src/hooks/useConnection.ts";
import type { Pricing } from "@/src/lib/chat/cost.ts";
import type { ChatMessage } from "@/src/lib/chat/messages.ts";
import type { Conversation as StoredConversation } from "@/src/lib/history/schema.ts";
import { Conversation } from "../chat/Conversation.tsx";
import { preloadMarkdown } from "../chat/LazyMarkdown.tsx";
import { preloadVirtualRows } from "../chat/MessageList.tsx";
import { useChatTransport } from "../chat/useChatTransport.ts";
import {
  newConversationId,
  readActiveConversation,
  rememberActiveConversation,
} from "../history/activeConversation.ts";
import { HistorySidebar } from "../history/HistorySidebar.tsx";
import { StorageProblemNotice } from "../history/StorageProblemNotice.tsx";
import { UndoToast } from "../history/UndoToast.tsx";
import { useConversationHistory } from "../history/useConversationHistory.ts";
import { ModelPicker } from "../models/ModelPicker.tsx";
import { useModelCatalog } from "../models/useModelCatalog.ts";
import { useModelChoice } from "../models/useModelChoice.ts";
import { clearLocalSettings } from "../settings/clearLocalData.ts";
import { useKnowledgeBaseStatus } from "../settings/useKnowledgeBaseStatus.ts";
import { useGlobalShortcuts } from "../shortcuts/useGlobalShortcuts.ts";
import { useTheme } from "../theme/useTheme.ts";
import { onFirstInteraction } from "../ui/onFirstInteraction.ts";
import { TitledDialog } from "../ui/TitledDialog.tsx";
import { AuthBadge } from "./AuthBadge.tsx";
import { ChatLayout, HeaderActions, MenuButton } from "./ChatLayout.tsx";

// Opened by the user, not needed to chat: each loads on first use, keeping the chat chunk small.
const SearchDialog = lazy(() =>
  import("../history/SearchDialog.tsx").then((m) => ({ default: m.SearchDialog })),
);
const ShortcutsDialog = lazy(() =>
  import("../shortcuts/ShortcutsDialog.tsx").then((m) => ({ default: m.ShortcutsDialog })),
);
const SettingsOverlay = lazy(() =>
  import("./SettingsOverlay.tsx").then((m) => ({ default: m.SettingsOverlay })),
);

export interface ChatScreenProps {
  session: Connection;
  /** A one-off message, e.g. "Connected as alice, balance $12.35" right after setup. */
  notice?: string | null;
  onDismissNotice?: () => void;
  /** Passed on to ProviderSetup in the settings panel. */
  signIn?: ReactNode;
  /** The server's CHUTES_DEFAULT_MODEL. */
  defaultModel: string;
}

type Overlay =
  | { kind: "settings"; advancedOpen: boolean }
  | { kind: "search" }
  | { kind: "shortcuts" }
  | { kind: "drawer" }
  | null;

const NO_MESSAGES: ChatMessage[] = [];

export function ChatScreen({ session, notice, onDismissNotice, signIn, defaultModel }: ChatScreenProps) {
  const catalog = useModelCatalog(session.requestHeaders, session.credentialId);
  const { model, choose } = useModelChoice(catalog, defaultModel);
  const modelInfo = useMemo(
    () => (catalog.state === "ready" ? (catalog.models.find((m) => m.id === model) ?? null) : null),
    [catalog, model],
  );
  const transport = useChatTransport(session, model, modelInfo?.inputModalities.includes("image") ?? true);
  const history = useConversationHistory();
  const knowledgeBase = useKnowledgeBaseStatus();
  const knowledgeAvailable = knowledgeBase.state === "ready" && knowledgeBase.status.chunks > 0;
  const { theme, setTheme } = useTheme();
  const modelInputRef = useRef<HTMLInputElement>(null);
  const composerRef = useRef<HTMLTextAreaElement>(null);
  const [overlay, setOverlay] = useState<Overlay>(null);
  // A tab that showed a conversation before a reload waits for storage to reopen it; a new tab
  // starts a new chat at once.
  const [restored] = useState(readActiveConversation);
  const [activeId, setActiveId] = useState<string>(() => restored ?? newConversationId());
  const [focusRequest, setFocusRequest] = useState(0);
  const [undo, setUndo] = useState<StoredConversation | null>(null);

  useEffect(() => rememberActiveConversation(activeId), [activeId]);
  // Markdown is needed by the first answer and the virtualiser by a long conversation, not to open
  // the chat (a stored answer on screen loads them at once).
  useEffect(
    () =>
      onFirstInteraction(() => {
        preloadMarkdown();
        preloadVirtualRows();
      }),
    [],
  );
  useEffect(() => {
    if (focusRequest > 0) composerRef.current?.focus();
  }, [focusRequest]);

  // Stable while the catalog is, so memoised message rows are not re-rendered by it.
  const pricingOf = useMemo(() => {
    const prices = new Map<string, Pricing>(
      catalog.state === "ready" ? catalog.models.map((m) => [m.id, m.pricing]) : [],
    );
    return (id: string | undefined) => (id ? prices.get(id) : undefined);
  }, [catalog]);

  const openConversation = useCallback((id: string) => {
    setActiveId(id);
    setOverlay(null);
    setFocusRequest((n) => n + 1);
  }, []);

  const { find } = history;
  const newChat = useCallback(() => {
    setOverlay(null);
    setActiveId((current) => (find(current) ? newConversationId() : current));
    setFocusRequest((n) => n + 1);
  }, [find]);

  const { remove, restore, rename, save, saveSettings } = history;
  const deleteConversation = useCallback(
    (id: string) => {
      const removed = remove(id);
      if (!removed) return;
      setUndo(removed);
      setActiveId((current) => (current === id ? newConversationId() : current));
    },
    [remove],
  );
  const exportOne = useCallback(
    (id: string, kind: "json" | "md") => {
      const conversation = find(id);
      if (conversation)
        void import("../history/exportActions.ts").then((m) => m.exportConversation(conversation, kind));
    },
    [find],
  );

  useGlobalShortcuts({
    onSearch: () => setOverlay({ kind: "search" }),
    onNewChat: newChat,
    onHelp: () => setOverlay({ kind: "shortcuts" }),
  });

  const closeOverlay = useCallback(() => setOverlay(null), []);
  const openSetup = useCallback(() => setOverlay({ kind: "settings", advancedOpen: true }), []);
  const pickModel = useCallback(() => modelInputRef.current?.focus(), []);
  const { refresh } = session;

  const sidebar = (
    <HistorySidebar
      conversations={history.conversations}
      activeId={activeId}
      onNewChat={newChat}
      onOpen={openConversation}
      onRename={rename}
      onDelete={deleteConversation}
      onExport={exportOne}
      onSearch={() => setOverlay({ kind: "search" })}
    />
  );

  const overlays = (
    <>
      {overlay?.kind === "drawer" ? <Drawer onClose={closeOverlay}>{sidebar}</Drawer> : null}
      <Suspense fallback={null}>
        {overlay?.kind === "search" ? (
          <SearchDialog
            conversations={history.conversations}
            onOpen={openConversation}
            onClose={closeOverlay}
          />
        ) : null}
        {overlay?.kind === "shortcuts" ? <ShortcutsDialog onClose={closeOverlay} /> : null}
        {overlay?.kind === "settings" ? (
          <SettingsOverlay
            session={session}
            signIn={signIn}
            advancedOpen={overlay.advancedOpen}
            theme={theme}
            onTheme={setTheme}
            conversations={history.conversations}
            onImport={history.importConversations}
            onDeleteAll={async () => {
              await history.clearAll();
              setTheme("system");
              clearLocalSettings();
              setActiveId(newConversationId());
            }}
            onClose={closeOverlay}
          />
        ) : null}
      </Suspense>
      {undo ? (
        <UndoToast
          key={undo.id}
          message={`Deleted “${undo.title}”`}
          onUndo={() => {
            restore(undo);
            setUndo(null);
          }}
          onExpire={() => setUndo(null)}
        />
      ) : null}
    </>
  );

  return (
    <ChatLayout
      sidebar={sidebar}
      menuButton={
        <MenuButton onClick={() => setOverlay({ kind: "drawer" })} expanded={overlay?.kind === "drawer"} />
      }
      badge={<AuthBadge status={session.status} user={session.user} />}
      picker={<ModelPicker catalog={catalog} value={model} onChange={choose} inputRef={modelInputRef} />}
      actions={
        <HeaderActions
          onShortcuts={() => setOverlay({ kind: "shortcuts" })}
          onSettings={() => setOverlay({ kind: "settings", advancedOpen: false })}
          settingsExpanded={overlay?.kind === "settings"}
        />
      }
      overlays={overlays}
    >
      {notice ? (
        <div className="mx-auto w-full max-w-3xl px-4 pt-3">
          <div role="status" className="notice-success flex items-center justify-between gap-3 py-1">
            <p>{notice}</p>
            {onDismissNotice ? (
              <button
                type="button"
                onClick={onDismissNotice}
                className="btn-ghost btn-touch -mr-2 shrink-0 text-lg leading-none"
                aria-label="Dismiss notice"
              >
                ×
              </button>
            ) : null}
          </div>
        </div>
      ) : null}
      {history.problem ? (
        <StorageProblemNotice problem={history.problem} onDismiss={history.dismissProblem} />
      ) : null}

      {history.ready || restored === null ? (
        <Conversation
          key={activeId}
          id={activeId}
          initialMessages={history.find(activeId)?.messages ?? NO_MESSAGES}
          transport={transport}
          pricingOf={pricingOf}
          onPersist={save}
          model={modelInfo}
          initialSettings={history.find(activeId)?.settings}
          onSaveSettings={saveSettings}
          knowledgeAvailable={knowledgeAvailable}
          onOpenSetup={openSetup}
          onPickModel={pickModel}
          onSessionEnded={refresh}
          composerRef={composerRef}
        />
      ) : (
        <div aria-busy="true" className="flex-1">
          <p className="sr-only">Loading conversations…</p>
        </div>
      )}
    </ChatLayout>
  );
}

function Drawer({ onClose, children }: { onClose: () => void; children: ReactNode }) {
  return (
    <TitledDialog
      title="Conversations"
      closeLabel="Close conversations"
      onClose={onClose}
      className="fixed inset-y-0 left-0 m-0 flex h-full max-h-none w-[85vw] max-w-xs flex-col"
      headerClassName="px-3 py-2"
    >
      {children}
    </TitledDialog>
  );
}
