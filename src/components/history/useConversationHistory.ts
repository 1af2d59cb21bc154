"use client";

import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import type { ChatSettings } from "@/src/lib/api/chat.ts";
import type { ChatMessage } from "@/src/lib/chat/messages.ts";
import { type MergePlan, planMerge } from "@/src/lib/history/exportFormat.ts";
import type { Conversation } from "@/src/lib/history/schema.ts";
import {
  classifyStorageError,
  type HistoryStore,
  memoryHistoryStore,
  openHistoryStore,
  type StorageProblem,
} from "@/src/lib/history/store.ts";
import { titleFromMessages } from "@/src/lib/history/title.ts";

export interface ConversationHistory {
  ready: boolean;
  /** Newest first. The in-memory copy is the truth for this page; storage follows it. */
  conversations: Conversation[];
  /** Why saving does not work (the chat keeps working in memory); null when all is well. */
  problem: StorageProblem | null;
  dismissProblem: () => void;
  find: (id: string) => Conversation | undefined;
  /** Creates the conversation on its first message; later calls update it. */
  /** Stores the messages; `settings`, when given, become the conversation's settings too. */
  save: (id: string, messages: ChatMessage[], settings?: ChatSettings) => void;
  /** The conversation's settings changed (kept only once it has messages). */
  saveSettings: (id: string, settings: ChatSettings) => void;
  rename: (id: string, title: string) => void;
  /** Removes it and hands it back, for undo. */
  remove: (id: string) => Conversation | undefined;
  restore: (conversation: Conversation) => void;
  /** Writes all of the plan or nothing; throws when storage refused it. */
  importConversations: (imported: Conversation[]) => Promise<MergePlan>;
  clearAll: () => Promise<void>;
}

function newestFirst(list: Conversation[]): Conversation[] {
  return [...list].sort((a, b) => b.updatedAt - a.updatedAt);
}

export function useConversationHistory(
  open: () => Promise<HistoryStore> = openHistoryStore,
): ConversationHistory {
  const storeRef = useRef<HistoryStore | null>(null);
  const listRef = useRef<Conversation[]>([]);
  const [conversations, setConversations] = useState<Conversation[]>([]);
  const [ready, setReady] = useState(false);
  const [problem, setProblem] = useState<StorageProblem | null>(null);

  const commit = useCallback((next: Conversation[]) => {
    listRef.current = newestFirst(next);
    setConversations(listRef.current);
  }, []);

  // biome-ignore lint/correctness/useExhaustiveDependencies: the store is opened once per mount.
  useEffect(() => {
    let cancelled = false;
    (async () => {
      let store: HistoryStore;
      let loaded: Conversation[] = [];
      try {
        store = await open();
        loaded = await store.getAll();
      } catch (error) {
        store = memoryHistoryStore();
        if (!cancelled) setProblem(classifyStorageError(error) === "quota" ? "quota" : "unavailable");
      }
      if (cancelled) {
        store.close();
        return;
      }
      storeRef.current = store;
      // Anything saved in memory before storage answered is kept too.
      const byId = new Map(loaded.map((c) => [c.id, c]));
      for (const c of listRef.current) byId.set(c.id, c);
      commit([...byId.values()]);
      setReady(true);
      for (const c of listRef.current) if (!loaded.includes(c)) void write((s) => s.put(c));
    })();
    return () => {
      cancelled = true;
      storeRef.current?.close();
      storeRef.current = null;
    };
  }, []);

  const write = useCallback(async (operation: (store: HistoryStore) => Promise<void>) => {
    const store = storeRef.current;
    if (!store) return;
    try {
      await operation(store);
    } catch (error) {
      setProblem(classifyStorageError(error));
    }
  }, []);

  const find = useCallback((id: string) => listRef.current.find((c) => c.id === id), []);

  const save = useCallback(
    (id: string, messages: ChatMessage[], settings?: ChatSettings) => {
      const existing = listRef.current.find((c) => c.id === id);
      if (existing?.messages === messages && (settings === undefined || existing.settings === settings))
        return;
      if (!existing && messages.length === 0) return;
      const now = Date.now();
      const withSettings = settings && Object.keys(settings).length > 0 ? { settings } : {};
      const next: Conversation = existing
        ? { ...existing, messages, updatedAt: now, ...withSettings }
        : {
            id,
            title: titleFromMessages(messages),
            createdAt: now,
            updatedAt: now,
            messages,
            ...withSettings,
          };
      commit([next, ...listRef.current.filter((c) => c.id !== id)]);
      void write((store) => store.put(next));
    },
    [commit, write],
  );

  const saveSettings = useCallback(
    (id: string, settings: ChatSettings) => {
      const existing = listRef.current.find((c) => c.id === id);
      if (!existing || existing.settings === settings) return;
      // A settings change is not new activity: the conversation keeps its place.
      const { settings: _old, ...rest } = existing;
      const next: Conversation = Object.keys(settings).length > 0 ? { ...rest, settings } : rest;
      commit(listRef.current.map((c) => (c.id === id ? next : c)));
      void write((store) => store.put(next));
    },
    [commit, write],
  );

  const rename = useCallback(
    (id: string, title: string) => {
      const existing = listRef.current.find((c) => c.id === id);
      const trimmed = title.replace(/\s+/g, " ").trim().slice(0, 200);
      if (!existing || !trimmed || trimmed === existing.title) return;
      // Renaming is not new activity, so the conversation keeps its place in the list.
      const next = { ...existing, title: trimmed };
      commit(listRef.current.map((c) => (c.id === id ? next : c)));
      void write((store) => store.put(next));
    },
    [commit, write],
  );

  const remove = useCallback(
    (id: string) => {
      const existing = listRef.current.find((c) => c.id === id);
      if (!existing) return undefined;
      commit(listRef.current.filter((c) => c.id !== id));
      void write((store) => store.delete(id));
      return existing;
    },
    [commit, write],
  );

  const restore = useCallback(
    (conversation: Conversation) => {
      commit([conversation, ...listRef.current.filter((c) => c.id !== conversation.id)]);
      void write((store) => store.put(conversation));
    },
    [commit, write],
  );

  const importConversations = useCallback(
    async (imported: Conversation[]) => {
      const plan = planMerge(listRef.current, imported);
      if (plan.write.length > 0) {
        // Storage first: if it refuses, nothing changes anywhere.
        await storeRef.current?.putMany(plan.write);
        const replaced = new Set(plan.write.map((c) => c.id));
        commit([...plan.write, ...listRef.current.filter((c) => !replaced.has(c.id))]);
      }
      return plan;
    },
    [commit],
  );

  const clearAll = useCallback(async () => {
    commit([]);
    await write((store) => store.clear());
  }, [commit, write]);

  const dismissProblem = useCallback(() => setProblem(null), []);

  return useMemo(
    () => ({
      ready,
      conversations,
      problem,
      dismissProblem,
      find,
      save,
      saveSettings,
      rename,
      remove,
      restore,
      importConversations,
      clearAll,
    }),
    [
      ready,
      conversations,
      problem,
      dismissProblem,
      find,
      save,
      saveSettings,
      rename,
      remove,
      restore,
      importConversations,
      clearAll,
    ],
  );
}
