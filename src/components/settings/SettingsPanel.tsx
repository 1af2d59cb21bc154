"use client";

import { type ReactNode, useId } from "react";
import { TitledDialog } from "../ui/TitledDialog.tsx";

export interface SettingsPanelProps {
  onClose: () => void;
  children: ReactNode;
}

/** A modal side panel over the chat; Esc or "Close settings" closes it and focus returns. */
export function SettingsPanel({ onClose, children }: SettingsPanelProps) {
  return (
    <TitledDialog
      title="Settings"
      closeLabel="Close settings"
      onClose={onClose}
      className="settings-panel fixed inset-y-0 right-0 left-auto m-0 h-full max-h-none w-full max-w-md overflow-y-auto border-l border-zinc-200 dark:border-zinc-800"
      headerClassName="sticky top-0 z-10 bg-white px-4 py-3 dark:bg-zinc-950"
      headingClassName="text-lg font-semibold"
    >
      <div className="space-y-6 p-4">{children}</div>
    </TitledDialog>
  );
}

export function SettingsSection({ title, children }: { title: string; children: ReactNode }) {
  const id = useId();
  return (
    <section aria-labelledby={id} className="space-y-3">
      <h3 id={id} className="text-base font-semibold">
        {title}
      </h3>
      {children}
    </section>
  );
}
