"use client";

import { type ReactNode, useEffect, useRef } from "react";
import { useStableCallback } from "./useStableCallback.ts";

export interface ModalProps {
  /** Id of the element that names the dialog (its heading). */
  labelledBy: string;
  onClose: () => void;
  children: ReactNode;
  className?: string;
  /** Close when the backdrop (the dialog box itself, outside its content) is clicked. */
  closeOnBackdrop?: boolean;
}

/**
 * A native modal <dialog>: showModal() traps focus, makes the page behind inert and turns Esc
 * into `cancel`. Mounted means open; on unmount focus goes back to whatever opened it.
 */
export function Modal({
  labelledBy,
  onClose,
  children,
  className = "",
  closeOnBackdrop = false,
}: ModalProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const close = useStableCallback(onClose);

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    // jsdom has no showModal; the open attribute is the closest stand-in there.
    if (!dialog.open) {
      if (typeof dialog.showModal === "function") dialog.showModal();
      else dialog.setAttribute("open", "");
    }
    // Like the browser's dialog focusing steps, which cannot see React's autoFocus: the element
    // marked data-autofocus, else the first control.
    const target =
      dialog.querySelector<HTMLElement>("[data-autofocus]") ??
      dialog.querySelector<HTMLElement>("button, input, textarea, select, a[href]");
    target?.focus();
    // The dialog closes through React state, never by itself.
    const onCancel = (event: Event) => {
      event.preventDefault();
      close();
    };
    dialog.addEventListener("cancel", onCancel);
    return () => {
      dialog.removeEventListener("cancel", onCancel);
      if (typeof dialog.close === "function" && dialog.open) dialog.close();
      const active = document.activeElement;
      const focusLost = !active || active === document.body || dialog.contains(active);
      if (focusLost && opener?.isConnected) opener.focus();
    };
  }, [close]);

  return (
    <dialog
      ref={ref}
      aria-labelledby={labelledBy}
      onKeyDown={(event) => {
        // Browsers fire `cancel` for Esc; this covers environments without it (and runs first).
        if (event.key === "Escape" && !event.defaultPrevented) {
          event.preventDefault();
          close();
        }
      }}
      onClick={(event) => {
        // A click on the ::backdrop targets the dialog itself, outside its box.
        if (!closeOnBackdrop || event.target !== event.currentTarget) return;
        const box = event.currentTarget.getBoundingClientRect();
        const inside =
          event.clientX >= box.left &&
          event.clientX <= box.right &&
          event.clientY >= box.top &&
          event.clientY <= box.bottom;
        if (!inside) close();
      }}
      className={`bg-white p-0 text-zinc-900 shadow-xl backdrop:bg-zinc-950/50 dark:bg-zinc-950 dark:text-zinc-100 ${className}`}
    >
      {children}
    </dialog>
  );
}
