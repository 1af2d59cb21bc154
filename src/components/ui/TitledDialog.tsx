"use client";

import { type ReactNode, useId } from "react";
import { Modal } from "./Modal.tsx";

export interface TitledDialogProps {
  title: string;
  /** The close button's label, e.g. "Close settings". */
  closeLabel: string;
  onClose: () => void;
  /** Size and placement of the dialog. */
  className: string;
  headerClassName?: string;
  headingClassName?: string;
  children: ReactNode;
}

/** A modal dialog (centred or a side sheet): a titled header with a close button, then content. */
export function TitledDialog({
  title,
  closeLabel,
  onClose,
  className,
  headerClassName = "",
  headingClassName = "font-semibold",
  children,
}: TitledDialogProps) {
  const headingId = useId();
  return (
    <Modal labelledBy={headingId} onClose={onClose} closeOnBackdrop className={className}>
      <div
        className={`flex items-center justify-between gap-2 border-b border-zinc-200 dark:border-zinc-800 ${headerClassName}`}
      >
        <h2 id={headingId} className={headingClassName}>
          {title}
        </h2>
        <button type="button" onClick={onClose} className="btn-ghost">
          {closeLabel}
        </button>
      </div>
      {children}
    </Modal>
  );
}
