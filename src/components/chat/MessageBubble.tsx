"use client";

import type { ChatMessage } from "@/src/lib/chat/messages.ts";
import { messageText } from "@/src/lib/chat/messages.ts";

export interface MessageBubbleProps {
  message: ChatMessage;
  /** The answer is still arriving. */
  streaming?: boolean;
  /** The answer stopped early because of an error; what arrived stays visible. */
  incomplete?: boolean;
}

function reasoningText(message: ChatMessage): string {
  return message.parts.map((part) => (part.type === "reasoning" ? part.text : "")).join("");
}

export function MessageBubble({ message, streaming = false, incomplete = false }: MessageBubbleProps) {
  const isUser = message.role === "user";
  const text = messageText(message);
  const reasoning = isUser ? "" : reasoningText(message);
  const model = message.metadata?.model;

  return (
    <article
      aria-label={isUser ? "Your message" : "Assistant answer"}
      // Stable hook for browser tests and later features (copy, citations).
      data-role={message.role}
      className={`flex flex-col gap-1 ${isUser ? "items-end" : "items-start"}`}
    >
      <div
        className={`max-w-[min(42rem,100%)] rounded-2xl px-4 py-2.5 ${
          isUser
            ? "bg-sky-700 text-white dark:bg-sky-600"
            : `bg-zinc-100 text-zinc-900 dark:bg-zinc-900 dark:text-zinc-100 ${
                incomplete ? "ring-2 ring-amber-500" : ""
              }`
        }`}
      >
        {reasoning ? (
          <details className="mb-2 text-sm text-zinc-600 dark:text-zinc-400">
            <summary className="cursor-pointer">Reasoning</summary>
            <p className="mt-1 whitespace-pre-wrap break-words">{reasoning}</p>
          </details>
        ) : null}
        {text ? (
          <p className="whitespace-pre-wrap break-words">{text}</p>
        ) : streaming ? (
          <p className="text-zinc-600 dark:text-zinc-400">
            {reasoning ? "Thinking…" : "Waiting for the answer…"}
          </p>
        ) : null}
      </div>
      {!isUser && (incomplete || model) ? (
        <p className="flex flex-wrap gap-2 px-1 text-xs text-zinc-600 dark:text-zinc-400">
          {incomplete ? (
            <span className="font-semibold text-amber-800 dark:text-amber-300">Incomplete answer</span>
          ) : null}
          {model ? <span>{model}</span> : null}
        </p>
      ) : null}
    </article>
  );
}
