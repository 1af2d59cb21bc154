"use client";

import { TitledDialog } from "../ui/TitledDialog.tsx";

const isMac = () => typeof navigator !== "undefined" && /Mac|iPhone|iPad/.test(navigator.platform);

function shortcutList(mac: boolean): Array<{ keys: string; action: string }> {
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
  return (
    <TitledDialog
      title="Keyboard shortcuts"
      closeLabel="Close shortcuts"
      onClose={onClose}
      className="mx-auto mt-[10vh] w-[min(30rem,calc(100%-2rem))] rounded-xl"
      headerClassName="px-4 py-3"
      headingClassName="text-lg font-semibold"
    >
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
    </TitledDialog>
  );
}
