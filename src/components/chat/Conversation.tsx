"use client";

import { useChat } from "@ai-sdk/react";
import { type ChatTransport, generateId } from "ai";
import { type Ref, useEffect, useLayoutEffect, useMemo, useRef, useState } from "react";
import type { ChatSettings } from "@/src/lib/api/chat.ts";
import type { ModelInfo } from "@/src/lib/api/models.ts";
import { answerCost, conversationCost, formatTokens, formatUsd, type Pricing } from "@/src/lib/chat/cost.ts";
import { attachedDocumentTokens, estimateTurn, knowledgeEstimate } from "@/src/lib/chat/estimate.ts";
import { type ChatMessage, messageMetadataSchema, messageText } from "@/src/lib/chat/messages.ts";
import { offeredSettings, type SettingErrors, settingsForModel } from "@/src/lib/chat/settings.ts";
import { newVersionFields, switchVersion } from "@/src/lib/chat/versions.ts";
import { toErrorView } from "@/src/lib/errors.ts";
import { useStableCallback } from "../ui/useStableCallback.ts";
import type { AttachmentPart } from "./attachments/useAttachments.ts";
import { ChatErrorNotice } from "./ChatErrorNotice.tsx";
import { Composer } from "./Composer.tsx";
import { ConversationSettings } from "./ConversationSettings.tsx";
import { MessageList } from "./MessageList.tsx";
import { LastTurnUsage, TurnEstimateLine } from "./TurnEstimate.tsx";
import { useTokenCounter } from "./useTokenCounter.ts";

export interface ConversationProps {
  /** The conversation's id; the parent remounts this component (key) to switch conversations. */
  id: string;
  initialMessages: ChatMessage[];
  transport: ChatTransport<ChatMessage>;
  pricingOf: (model: string | undefined) => Pricing | null | undefined;
  /** Called with the user's message when sent and with the whole exchange when an answer ends. */
  onPersist: (id: string, messages: ChatMessage[], settings?: ChatSettings) => void;
  /** The chosen model as the catalog describes it (null while unknown). */
  model?: ModelInfo | null;
  /** The conversation's stored settings. */
  initialSettings?: ChatSettings | undefined;
  onSaveSettings?: (id: string, settings: ChatSettings) => void;
  /** The server has a knowledge base, so each question carries a sources block. */
  knowledgeAvailable?: boolean;
  onOpenSetup: () => void;
  onPickModel: () => void;
  /** The server said the OAuth session ended. */
  onSessionEnded: () => void;
  composerRef?: Ref<HTMLTextAreaElement>;
}

const ANNOUNCE_CHARS = 300;

/** One conversation: useChat, its messages, errors, running cost and the composer. */
export function Conversation({
  id,
  initialMessages,
  transport,
  pricingOf,
  onPersist,
  onOpenSetup,
  onPickModel,
  onSessionEnded,
  composerRef,
  model = null,
  initialSettings,
  onSaveSettings,
  knowledgeAvailable = false,
}: ConversationProps) {
  const [settings, setSettings] = useState<ChatSettings>(() => initialSettings ?? {});
  const [settingErrors, setSettingErrors] = useState<SettingErrors>({});
  const [settingsOpen, setSettingsOpen] = useState(false);
  const settingsRef = useRef(settings);
  settingsRef.current = settings;
  const persist = useStableCallback((messages: ChatMessage[]) =>
    onPersist(id, messages, settingsRef.current),
  );
  const offered = useMemo(() => offeredSettings(model), [model]);
  // Only what the chosen model takes goes out; the rest stays saved for a model that does.
  const requestOptions = () => ({ body: { settings: settingsForModel(settingsRef.current, offered) } });
  const countTokens = useTokenCounter();
  const lastEstimate = useRef<{ afterMessages: number; promptTokens: number } | null>(null);
  // A regenerate keeps the answer it replaces: the new answer gets the old one as a version when it ends.
  const pendingVersions = useRef<{ at: number; fields: ReturnType<typeof newVersionFields> } | null>(null);
  const { messages, sendMessage, status, error, stop, regenerate, clearError, setMessages } =
    useChat<ChatMessage>({
      id,
      messages: initialMessages,
      transport,
      messageMetadataSchema,
      // Finished, stopped or failed: store the exchange once, not on every token.
      onFinish: ({ messages: final }) => {
        const pending = pendingVersions.current;
        pendingVersions.current = null;
        const answer = pending ? final[pending.at] : undefined;
        if (!pending || answer?.role !== "assistant") return persist(final);
        const withVersions = final.map((m, i) =>
          i === pending.at ? { ...m, metadata: { ...m.metadata, ...pending.fields } } : m,
        );
        setMessages(withVersions);
        persist(withVersions);
      },
    });
  const busy = status === "submitted" || status === "streaming";
  const errorView = error ? toErrorView(error) : null;

  // The user's message is stored when it is sent (and the shortened list after an edit or a
  // regenerate), before the request starts: an effect could run after a fast answer's onFinish.
  const messagesRef = useRef(messages);
  useLayoutEffect(() => {
    messagesRef.current = messages;
  }, [messages]);

  const sessionEnded = errorView?.code === "session_expired";
  const endSession = useStableCallback(onSessionEnded);
  useEffect(() => {
    if (sessionEnded) endSession();
  }, [sessionEnded, endSession]);

  const incompleteIds = useIncompleteIds(messages, error);
  const announcement = useCompletionAnnouncement(messages, status);

  // Esc stops the answer, unless a dialog or a widget used the key first.
  useEffect(() => {
    if (!busy) return;
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key !== "Escape" || event.defaultPrevented) return;
      if (document.querySelector("dialog[open]")) return;
      event.preventDefault();
      void stop();
    };
    window.addEventListener("keydown", onKeyDown);
    return () => window.removeEventListener("keydown", onKeyDown);
  }, [busy, stop]);

  const retry = useStableCallback(() => {
    const current = messagesRef.current;
    // Like regenerate(): the last answer (if any) is dropped and asked for again.
    const at = current.length - 1;
    pendingVersions.current =
      current[at]?.role === "assistant" ? { at, fields: newVersionFields(current, at) } : null;
    persist(current[at]?.role === "assistant" ? current.slice(0, -1) : current);
    void regenerate(requestOptions()).catch(() => undefined);
  });
  const onRegenerate = useStableCallback(() => {
    if (busy) return;
    clearError();
    retry();
  });
  const onEdit = useStableCallback((messageId: string, text: string) => {
    if (busy || !text.trim()) return;
    const current = messagesRef.current;
    const index = current.findIndex((m) => m.id === messageId);
    const original = current[index];
    if (!original) return;
    clearError();
    // The question as it was, and what followed it, stays as an earlier version.
    const metadata = newVersionFields(current, index);
    pendingVersions.current = null;
    // The edit changes the words; the files the question carried go with it again.
    const files = original.parts.filter((p) => p.type === "file");
    persist([
      ...current.slice(0, index),
      { ...original, parts: [...files, { type: "text", text }], metadata },
    ]);
    void sendMessage({ text, files, messageId, metadata }, requestOptions()).catch(() => undefined);
  });
  const onSwitchVersion = useStableCallback((messageId: string, target: number) => {
    if (busy) return;
    const current = messagesRef.current;
    const at = current.findIndex((m) => m.id === messageId);
    if (at < 0) return;
    clearError();
    const next = switchVersion(current, at, target);
    setMessages(next);
    persist(next);
  });
  const estimateFor = (
    text: string,
    history: ChatMessage[] = messagesRef.current,
    files: ReadonlyArray<AttachmentPart> = [],
  ) =>
    estimateTurn({
      systemPrompt: settings.systemPrompt,
      knowledgeTokens: knowledgeEstimate(history, knowledgeAvailable, readRecentKnowledge()),
      attachedTokens: attachedDocumentTokens(files, countTokens),
      history,
      message: text,
      model,
      maxOutputTokens: offered.has("maxOutputTokens") ? settings.maxOutputTokens : undefined,
      countTokens,
    });
  const send = (text: string, files: AttachmentPart[]) => {
    const message: ChatMessage = {
      id: generateId(),
      role: "user",
      parts: [...files, ...(text.trim() ? [{ type: "text" as const, text }] : [])],
    };
    lastEstimate.current = {
      afterMessages: messagesRef.current.length + 2,
      promptTokens: estimateFor(text, undefined, files).promptTokens,
    };
    persist([...messagesRef.current, message]);
    // Failures surface through `error`; the user's message stays in the list either way.
    void sendMessage(message, requestOptions()).catch(() => undefined);
  };
  const changeSettings = (next: ChatSettings | null, errors: SettingErrors) => {
    setSettingErrors(errors);
    if (!next) return;
    setSettings(next);
    onSaveSettings?.(id, next);
  };

  // The sources block of the newest answer is the best guess for the next question anywhere.
  const newestKnowledge = messages.findLast((m) => m.metadata?.knowledgeTokens !== undefined)?.metadata
    ?.knowledgeTokens;
  useEffect(() => {
    if (newestKnowledge !== undefined) rememberRecentKnowledge(newestKnowledge);
  }, [newestKnowledge]);

  const last = messages.at(-1);
  const lastQuestion =
    busy || last?.role !== "assistant" ? -1 : messages.findLastIndex((m) => m.role === "user");
  const questionToRedo = lastQuestion >= 0 ? messages[lastQuestion] : undefined;
  const regenerateEstimate = questionToRedo
    ? regenerateText(estimateFor(messageText(questionToRedo), messages.slice(0, lastQuestion)))
    : undefined;
  const lastUsage = !busy && last?.role === "assistant" ? last.metadata?.usage : undefined;
  const blocked =
    Object.keys(settingErrors).length > 0
      ? "Fix the conversation settings marked in red before sending."
      : null;

  const total = useMemo(
    () =>
      conversationCost(
        messages.filter((m) => m.role === "assistant"),
        pricingOf,
      ),
    [messages, pricingOf],
  );

  return (
    <>
      <MessageList
        messages={messages}
        busy={busy}
        incompleteIds={incompleteIds}
        pricingOf={pricingOf}
        onRegenerate={onRegenerate}
        onEdit={onEdit}
        onSwitchVersion={onSwitchVersion}
        regenerateEstimate={regenerateEstimate}
      />
      <p role="status" aria-live="polite" className="sr-only">
        {announcement}
      </p>

      {errorView ? (
        <div className="mx-auto w-full max-w-3xl px-4 pb-3">
          <ChatErrorNotice
            view={errorView}
            onOpenSetup={onOpenSetup}
            onRetry={retry}
            onPickModel={onPickModel}
            onDismiss={clearError}
          />
        </div>
      ) : null}

      {total.tokens > 0 ? <ConversationTotal total={total} /> : null}

      <div className="mx-auto w-full max-w-3xl px-4 pb-1">
        <button
          type="button"
          aria-expanded={settingsOpen}
          onClick={() => setSettingsOpen((open) => !open)}
          className="btn-ghost text-xs"
        >
          Chat settings{Object.keys(settings).length > 0 ? " (customised)" : ""}
        </button>
        {settingsOpen ? (
          <div className="mt-1 rounded-lg border border-zinc-200 p-3 dark:border-zinc-800">
            <ConversationSettings
              value={settings}
              onChange={changeSettings}
              offered={offered}
              maxOutputLimit={model?.maxOutputTokens ?? null}
            />
          </div>
        ) : null}
      </div>

      <Composer
        inputRef={composerRef}
        busy={busy}
        blocked={blocked}
        footer={(text, files) =>
          text.trim() || files.length > 0 || !lastUsage ? (
            <TurnEstimateLine estimate={estimateFor(text, undefined, files)} />
          ) : (
            <LastTurnUsage
              usage={lastUsage}
              cost={answerCost(lastUsage, pricingOf(last?.metadata?.model))}
              balance={last?.metadata?.balance}
              estimated={
                lastEstimate.current?.afterMessages === messages.length
                  ? lastEstimate.current.promptTokens
                  : undefined
              }
            />
          )
        }
        imageRefusal={
          model && !model.inputModalities.includes("image")
            ? `${model.id} reads text only: pick a model marked Vision to send images, or remove them.`
            : null
        }
        onSend={(text, images) => {
          if (busy) return false;
          send(text, images);
          return true;
        }}
        onStop={() => {
          void stop();
        }}
      />
    </>
  );
}

function regenerateText(estimate: ReturnType<typeof estimateTurn>): string {
  const price = estimate.promptCost === null ? "" : ` · ${formatUsd(estimate.promptCost)}`;
  return `≈ ${formatTokens(estimate.promptTokens)} in${price}`;
}

const RECENT_KNOWLEDGE_KEY = "chutes-chat:recent-knowledge-tokens";

function readRecentKnowledge(): number | undefined {
  try {
    const value = Number(globalThis.localStorage?.getItem(RECENT_KNOWLEDGE_KEY) ?? Number.NaN);
    return Number.isFinite(value) && value >= 0 ? value : undefined;
  } catch {
    return undefined;
  }
}

function rememberRecentKnowledge(tokens: number) {
  try {
    globalThis.localStorage?.setItem(RECENT_KNOWLEDGE_KEY, String(tokens));
  } catch {
    // Private mode: the estimate falls back to the budget.
  }
}

function ConversationTotal({ total }: { total: ReturnType<typeof conversationCost> }) {
  const cost =
    total.pricedAnswers === 0
      ? ""
      : ` · ${total.unpricedAnswers > 0 ? "at least " : ""}${formatUsd(total.cost)}`;
  return (
    <p
      data-testid="conversation-total"
      className="mx-auto w-full max-w-3xl px-4 pb-1 text-right text-xs text-zinc-700 dark:text-zinc-300"
    >
      This conversation: {formatTokens(total.tokens)}
      {cost}
    </p>
  );
}

/** Answers cut off by an error stay marked, even after the notice is dismissed. */
function useIncompleteIds(messages: ChatMessage[], error: Error | undefined): ReadonlySet<string> {
  const last = messages.at(-1);
  const partialId = error && last?.role === "assistant" && messageText(last).length > 0 ? last.id : undefined;
  const [cutOffIds, setCutOffIds] = useState<ReadonlySet<string>>(() => new Set());
  useEffect(() => {
    if (partialId) setCutOffIds((prev) => (prev.has(partialId) ? prev : new Set(prev).add(partialId)));
  }, [partialId]);
  return useMemo(() => (partialId ? new Set(cutOffIds).add(partialId) : cutOffIds), [cutOffIds, partialId]);
}

/** One polite announcement when an answer ends, instead of one per token. */
function useCompletionAnnouncement(messages: ChatMessage[], status: string): string {
  const [announcement, setAnnouncement] = useState("");
  const wasBusy = useRef(false);
  const lastRef = useRef<ChatMessage | undefined>(undefined);
  const last = messages.at(-1);
  useLayoutEffect(() => {
    lastRef.current = last;
  }, [last]);
  // Runs on status changes only, not on every token.
  useEffect(() => {
    if (status === "submitted" || status === "streaming") {
      if (!wasBusy.current) setAnnouncement("");
      wasBusy.current = true;
      return;
    }
    if (!wasBusy.current) return;
    wasBusy.current = false;
    const answer = lastRef.current;
    if (answer?.role !== "assistant") return;
    if (status === "error") {
      setAnnouncement("The answer stopped early.");
      return;
    }
    const text = messageText(answer).replace(/\s+/g, " ").trim();
    setAnnouncement(
      `Answer finished: ${text.length > ANNOUNCE_CHARS ? `${text.slice(0, ANNOUNCE_CHARS)}…` : text}`,
    );
  }, [status]);
  return announcement;
}
