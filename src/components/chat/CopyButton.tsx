"use client";

import { useEffect, useRef, useState } from "react";

export interface CopyButtonProps {
  /** Read when clicked, so a streaming answer copies what is there at that moment. */
  getText: () => string;
  label: string;
  className?: string;
}

const CONFIRM_MS = 2000;

/** Copies to the clipboard and says "Copied" for a moment (or that copying failed). */
export function CopyButton({ getText, label, className = "" }: CopyButtonProps) {
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);

  async function copy() {
    try {
      await navigator.clipboard.writeText(getText());
      setState("copied");
    } catch {
      setState("failed");
    }
    clearTimeout(timer.current);
    timer.current = setTimeout(() => setState("idle"), CONFIRM_MS);
  }

  return (
    <button type="button" onClick={() => void copy()} className={`btn-action ${className}`}>
      <span aria-live="polite">
        {state === "copied" ? "Copied" : state === "failed" ? "Copy failed" : label}
      </span>
    </button>
  );
}
