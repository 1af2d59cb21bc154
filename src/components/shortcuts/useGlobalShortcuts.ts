"use client";

import { useEffect } from "react";
import { useStableCallback } from "../ui/useStableCallback.ts";

export interface ShortcutHandlers {
  onSearch: () => void;
  onNewChat: () => void;
  onHelp: () => void;
}

function isTextField(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  return (
    target instanceof HTMLInputElement && !["checkbox", "radio", "button", "submit"].includes(target.type)
  );
}

/** Ctrl/Cmd+K search, Ctrl/Cmd+Shift+O new chat, ? help. (Esc to stop lives with the conversation.) */
export function useGlobalShortcuts(handlers: ShortcutHandlers): void {
  const handle = useStableCallback((event: KeyboardEvent) => {
    if (event.defaultPrevented) return;
    const mod = event.ctrlKey || event.metaKey;
    if (mod && !event.shiftKey && !event.altKey && event.key.toLowerCase() === "k") {
      event.preventDefault();
      handlers.onSearch();
    } else if (mod && event.shiftKey && !event.altKey && event.code === "KeyO") {
      event.preventDefault();
      handlers.onNewChat();
    } else if (
      event.key === "?" &&
      !mod &&
      !event.altKey &&
      !isTextField(event.target) &&
      !document.querySelector("dialog[open]")
    ) {
      event.preventDefault();
      handlers.onHelp();
    }
  });
  useEffect(() => {
    window.addEventListener("keydown", handle);
    return () => window.removeEventListener("keydown", handle);
  }, [handle]);
}
