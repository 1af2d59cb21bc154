"use client";

import { type ReactNode, useEffect, useId, useRef } from "react";

export interface SettingsPanelProps {
  onClose: () => void;
  children: ReactNode;
}

/** A non-modal side panel over the chat; Escape or "Close settings" closes it. */
export function SettingsPanel({ onClose, children }: SettingsPanelProps) {
  const headingId = useId();
  const closeRef = useRef<HTMLButtonElement>(null);

  // Move focus into the panel so keyboard users land where it opened.
  useEffect(() => {
    closeRef.current?.focus();
  }, []);

  return (
    <dialog
      open
      aria-labelledby={headingId}
      onKeyDown={(event) => {
        if (event.key === "Escape") {
          event.preventDefault();
          onClose();
        }
      }}
      className="fixed inset-y-0 right-0 left-auto z-20 m-0 flex h-full max-h-none w-full max-w-md flex-col overflow-y-auto border-l border-zinc-200 bg-white p-0 text-zinc-900 shadow-xl dark:border-zinc-800 dark:bg-zinc-950 dark:text-zinc-100"
    >
      <div className="flex items-center justify-between gap-2 border-b border-zinc-200 px-4 py-3 dark:border-zinc-800">
        <h2 id={headingId} className="text-lg font-semibold">
          Connection
        </h2>
        <button ref={closeRef} type="button" onClick={onClose} className="btn-ghost">
          Close settings
        </button>
      </div>
      <div className="p-4">{children}</div>
    </dialog>
  );
}
