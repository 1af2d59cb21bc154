"use client";

import { useLayoutEffect, useRef } from "react";
import type { ChatMessage } from "@/src/lib/chat/messages.ts";
import { MessageBubble } from "./MessageBubble.tsx";

export interface MessageListProps {
  messages: ChatMessage[];
  /** A request is in flight (submitted or streaming). */
  busy: boolean;
  /** Assistant messages that were cut off by an error. */
  incompleteIds: ReadonlySet<string>;
}

// Within this many pixels of the end still counts as "at the bottom".
const STICK_THRESHOLD_PX = 48;

function hasVisibleContent(message: ChatMessage): boolean {
  return message.parts.some(
    (part) => (part.type === "text" || part.type === "reasoning") && part.text.length > 0,
  );
}

export function MessageList({ messages, busy, incompleteIds }: MessageListProps) {
  const scrollRef = useRef<HTMLDivElement>(null);
  // Follow the stream unless the user scrolled up to read; scrolling back down re-enables it.
  const stickToBottom = useRef(true);
  const lastMessage = messages.at(-1);
  const lastUserId = messages.findLast((m) => m.role === "user")?.id;

  // A new user message always brings the view back to the end.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs when a new user message appears.
  useLayoutEffect(() => {
    stickToBottom.current = true;
  }, [lastUserId]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: re-run on every content change while streaming.
  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (el && stickToBottom.current) el.scrollTop = el.scrollHeight;
  }, [messages]);

  const streamingId = busy && lastMessage?.role === "assistant" ? lastMessage.id : undefined;
  const waiting = busy && lastMessage?.role === "user";

  return (
    <div
      ref={scrollRef}
      onScroll={(event) => {
        const el = event.currentTarget;
        stickToBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < STICK_THRESHOLD_PX;
      }}
      className="min-h-0 flex-1 overflow-y-auto"
    >
      {/* One live region for the conversation; aria-busy holds announcements until the answer is done. */}
      <div
        aria-live="polite"
        aria-busy={busy}
        aria-label="Conversation"
        role="log"
        className="mx-auto flex w-full max-w-3xl flex-col gap-4 px-4 py-6"
      >
        {messages.length === 0 ? (
          <p className="py-16 text-center text-zinc-600 dark:text-zinc-400">
            Ask anything. Answers are billed to your Chutes account.
          </p>
        ) : null}
        {messages.map((message) =>
          message.role === "user" || message.id === streamingId || hasVisibleContent(message) ? (
            <MessageBubble
              key={message.id}
              message={message}
              streaming={message.id === streamingId}
              incomplete={incompleteIds.has(message.id)}
            />
          ) : null,
        )}
        {waiting ? (
          <p className="text-sm text-zinc-600 dark:text-zinc-400" aria-hidden="true">
            Waiting for Chutes…
          </p>
        ) : null}
      </div>
    </div>
  );
}
