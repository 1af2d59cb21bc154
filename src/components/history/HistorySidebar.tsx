"use client";

import { useId } from "react";
import { groupByDate } from "@/src/lib/history/groups.ts";
import type { Conversation } from "@/src/lib/history/schema.ts";
import { ConversationItem } from "./ConversationItem.tsx";

export const PRIVACY_NOTE = "Conversations are stored only in this browser.";

export interface HistorySidebarProps {
  conversations: ReadonlyArray<Pick<Conversation, "id" | "title" | "updatedAt">>;
  activeId: string;
  onNewChat: () => void;
  onOpen: (id: string) => void;
  onRename: (id: string, title: string) => void;
  onDelete: (id: string) => void;
  onExport: (id: string, kind: "json" | "md") => void;
  onSearch: () => void;
}

/** Past conversations by date (Today, Yesterday, …), newest first. */
export function HistorySidebar({
  conversations,
  activeId,
  onNewChat,
  onOpen,
  onRename,
  onDelete,
  onExport,
  onSearch,
}: HistorySidebarProps) {
  const headingPrefix = useId();
  const groups = groupByDate(conversations, Date.now());
  return (
    <nav aria-label="Conversations" className="flex min-h-0 flex-1 flex-col">
      <div className="flex gap-2 p-3">
        <button
          type="button"
          onClick={onNewChat}
          className="btn-primary flex-1"
          aria-keyshortcuts="Control+Shift+O"
        >
          New chat
        </button>
        <button type="button" onClick={onSearch} className="btn-secondary" aria-keyshortcuts="Control+K">
          Search
        </button>
      </div>
      <div className="min-h-0 flex-1 overflow-y-auto px-2 pb-3">
        {groups.length === 0 ? (
          <p className="px-2 py-4 text-sm text-zinc-700 dark:text-zinc-300">No conversations yet.</p>
        ) : null}
        {groups.map((group) => (
          <section
            key={group.label}
            aria-labelledby={`${headingPrefix}-${group.label}`}
            className="mt-3 first:mt-0"
          >
            <h2
              id={`${headingPrefix}-${group.label}`}
              className="px-2.5 pb-1 text-xs font-semibold text-zinc-700 dark:text-zinc-300"
            >
              {group.label}
            </h2>
            <ul>
              {group.conversations.map((conversation) => (
                <li key={conversation.id}>
                  <ConversationItem
                    conversation={conversation}
                    active={conversation.id === activeId}
                    onOpen={onOpen}
                    onRename={onRename}
                    onDelete={onDelete}
                    onExport={onExport}
                  />
                </li>
              ))}
            </ul>
          </section>
        ))}
      </div>
      <p className="border-t border-zinc-200 px-4 py-2.5 text-xs text-zinc-700 dark:border-zinc-800 dark:text-zinc-300">
        {PRIVACY_NOTE}
      </p>
    </nav>
  );
}
