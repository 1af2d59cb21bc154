"use client";

import { useChat } from "@ai-sdk/react";
import { type ChatTransport, generateId } from "ai";
import { type Ref, useEffect, useLayoutEffect, useMemo, useRef, useState } from "react";
import { conversationCost, formatTokens, formatUsd, type Pricing } from "@/src/lib/chat/cost.ts";
import { type ChatMessage, messageMetadataSchema, messageText } from "@/src/lib/chat/messages.ts";
import { toErrorView } from "@/src/lib/errors.ts";
import { useStableCallback } from "../ui/useStableCallback.ts";
import { ChatErrorNotice } from "./ChatErrorNotice.tsx";
import { Composer } from "./Composer.tsx";
import { MessageList } from "./MessageList.tsx";

export interface ConversationProps {
  /** The conversation's id; the parent remounts this component (key) to switch conversations. */
  id: string;
  initialMessages: ChatMessage[];
  transport: ChatTransport<ChatMessage>;
  pricingOf: (model: string | undefined) => Pricing | null | undefined;
  /** Called with the user's message when sent and with the whole exchange when an answer ends. */
  onPersist: (id: string, messages: ChatMessage[]) => void;
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
}: ConversationProps) {
  const persist = useStableCallback((messages: ChatMessage[]) => onPersist(id, messages));
  const { messages, sendMessage, status, error, stop, regenerate, clearError } = useChat<ChatMessage>({
    id,
    messages: initialMessages,
    transport,
    messageMetadataSchema,
    // Finished, stopped or failed: store the exchange once, not on every token.
    onFinish: ({ messages: final }) => persist(final),
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
    persist(current.at(-1)?.role === "assistant" ? current.slice(0, -1) : current);
    void regenerate().catch(() => undefined);
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
    persist([...current.slice(0, index), { ...original, parts: [{ type: "text", text }] }]);
    void sendMessage({ text, messageId }).catch(() => undefined);
  });
  const send = (text: string) => {
    const message: ChatMessage = { id: generateId(), role: "user", parts: [{ type: "text", text }] };
    persist([...messagesRef.current, message]);
    // Failures surface through `error`; the user's message stays in the list either way.
    void sendMessage(message).catch(() => undefined);
  };

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

      <Composer
        inputRef={composerRef}
        busy={busy}
        onSend={(text) => {
          if (busy) return false;
          send(text);
          return true;
        }}
        onStop={() => {
          void stop();
        }}
      />
    </>
  );
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
