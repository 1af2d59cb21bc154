"use client";

import { useState } from "react";
import { formatTokens } from "@/src/lib/chat/cost.ts";
import { roughTokens } from "@/src/lib/chat/estimate.ts";

export interface ThinkingBlockProps {
  text: string;
  /** The model is still thinking: the block stays open and the text streams in. */
  thinking: boolean;
  /** From the first reasoning chunk to the last, as the server measured it. */
  durationMs?: number | undefined;
  /** As the usage reported them; estimated from the text when it did not (inline <think> tags). */
  reasoningTokens?: number | undefined;
}

/** "Thought for 12 s", "Thought for less than a second". */
export function thoughtForText(durationMs: number | undefined): string {
  if (durationMs === undefined) return "Thought";
  const seconds = Math.round(durationMs / 1000);
  return seconds < 1 ? "Thought for less than a second" : `Thought for ${seconds} s`;
}

/**
 * The model's thinking, above its answer: open while it streams, then collapsed to how long it
 * took and how many tokens it cost (Chutes bills them as output). The user's toggle wins.
 */
export function ThinkingBlock({ text, thinking, durationMs, reasoningTokens }: ThinkingBlockProps) {
  const [userOpen, setUserOpen] = useState<boolean | null>(null);
  const open = userOpen ?? thinking;
  const tokens =
    reasoningTokens !== undefined ? formatTokens(reasoningTokens) : `~${formatTokens(roughTokens(text))}`;
  return (
    <details
      data-testid="thinking"
      data-state={thinking ? "thinking" : "done"}
      open={open}
      onToggle={(event) => {
        const next = event.currentTarget.open;
        if (next !== open) setUserOpen(next);
      }}
      className="mb-2 rounded-lg border border-zinc-300 bg-white/60 px-3 py-1.5 text-sm text-zinc-700 dark:border-zinc-700 dark:bg-zinc-950/40 dark:text-zinc-300"
    >
      <summary className="cursor-pointer select-none font-medium">
        {thinking ? (
          <span>Thinking…</span>
        ) : (
          <span>
            {thoughtForText(durationMs)}
            <span className="font-normal"> · {tokens}</span>
          </span>
        )}
      </summary>
      <p
        data-testid="thinking-text"
        className="mt-1 max-h-80 overflow-y-auto whitespace-pre-wrap break-words"
      >
        {text.trim()}
      </p>
    </details>
  );
}
