"use client";

import { useId } from "react";
import { Modal } from "../ui/Modal.tsx";

const isMac = () => typeof navigator !== "undefined" && /Mac|iPhone|iPad/.test(navigator.platform);

export function shortcutList(mac: boolean): Array<{ keys: string; action: string }> {
  const mod = mac ? "⌘" : "Ctrl";
  return [
    { keys: "Enter", action: "Send the message" },
    { keys: "Shift + Enter", action: "New line in the message" },
    { keys: "Esc", action: "Stop the answer while it streams" },
    { keys: `${mod} + K`, action: "Search conversations" },
    { keys: `${mod} + Shift + O`, action: "New chat" },
    { keys: "?", action: "Show these shortcuts (outside text fields)" },
    { keys: "Tab / Shift + Tab", action: "Move between controls, including Copy, Regenerate and Edit" },
  ];
}

export function ShortcutsDialog({ onClose }: { onClose: () => void }) {
  const headingId = useId();
  return (
    <Modal
      labelledBy={headingId}
      onClose={onClose}
      closeOnBackdrop
      className="mx-auto mt-[10vh] w-[min(30rem,calc(100%-2rem))] rounded-xl"
    >
      <div className="flex items-center justify-between gap-2 border-b border-zinc-200 px-4 py-3 dark:border-zinc-800">
        <h2 id={headingId} className="text-lg font-semibold">
          Keyboard shortcuts
        </h2>
        <button type="button" onClick={onClose} className="btn-ghost">
          Close shortcuts
        </button>
      </div>
      <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-2 p-4 text-sm">
        {shortcutList(isMac()).map(({ keys, action }) => (
          <div key={keys} className="contents">
            <dt>
              <kbd className="rounded border border-zinc-400 px-1.5 py-0.5 font-mono text-xs dark:border-zinc-600">
                {keys}
              </kbd>
            </dt>
            <dd>{action}</dd>
          </div>
        ))}
      </dl>
    </Modal>
  );
}
