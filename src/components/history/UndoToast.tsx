"use client";

import { useEffect, useRef, useState } from "react";

export interface UndoToastProps {
  message: string;
  onUndo: () => void;
  onExpire: () => void;
  /** How long Undo is offered; paused while the pointer or focus is on the toast. */
  durationMs?: number;
}

const UNDO_MS = 6000;

export function UndoToast({ message, onUndo, onExpire, durationMs = UNDO_MS }: UndoToastProps) {
  const [paused, setPaused] = useState(false);
  const onExpireRef = useRef(onExpire);
  useEffect(() => {
    onExpireRef.current = onExpire;
  }, [onExpire]);

  useEffect(() => {
    if (paused) return;
    const timer = setTimeout(() => onExpireRef.current(), durationMs);
    return () => clearTimeout(timer);
  }, [paused, durationMs]);

  return (
    <div
      role="status"
      onMouseEnter={() => setPaused(true)}
      onMouseLeave={() => setPaused(false)}
      onFocus={() => setPaused(true)}
      onBlur={() => setPaused(false)}
      className="fixed bottom-4 left-1/2 z-40 flex w-[min(28rem,calc(100%-2rem))] -translate-x-1/2 items-center justify-between gap-3 rounded-lg bg-zinc-900 px-4 py-3 text-sm text-white shadow-lg dark:bg-zinc-100 dark:text-zinc-900"
    >
      <span className="min-w-0 truncate">{message}</span>
      <button
        type="button"
        onClick={onUndo}
        className="shrink-0 rounded px-2 py-1 font-semibold text-sky-300 underline hover:bg-zinc-800 dark:text-sky-800 dark:hover:bg-zinc-200"
      >
        Undo
      </button>
    </div>
  );
}
