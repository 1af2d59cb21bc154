"use client";

import { type ReactNode, useId, useState } from "react";

export interface DisclosureProps {
  label: string;
  defaultOpen?: boolean;
  children: ReactNode;
}

/** A toggle button with aria-expanded; the content is only mounted while open. */
export function Disclosure({ label, defaultOpen = false, children }: DisclosureProps) {
  const [open, setOpen] = useState(defaultOpen);
  const panelId = useId();
  return (
    <div className="border-t border-zinc-200 pt-3 dark:border-zinc-800">
      <button
        type="button"
        aria-expanded={open}
        aria-controls={panelId}
        onClick={() => setOpen((o) => !o)}
        className="btn-ghost -mx-2 flex items-center gap-2"
      >
        <span aria-hidden="true" className={`inline-block transition-transform ${open ? "rotate-90" : ""}`}>
          ▸
        </span>
        {label}
      </button>
      <div id={panelId} hidden={!open} className="mt-3">
        {open ? children : null}
      </div>
    </div>
  );
}
