import type { ReactNode } from "react";

export interface ChatLayoutProps {
  /** The conversations list, shown as a column from the md breakpoint up. */
  sidebar?: ReactNode;
  /** Opens the conversations drawer on small screens. */
  menuButton: ReactNode;
  badge?: ReactNode;
  picker: ReactNode;
  /** The header's end: shortcuts and settings. */
  actions: ReactNode;
  children: ReactNode;
  /** Dialogs and toasts, outside the columns. */
  overlays?: ReactNode;
}

/**
 * The chat screen's frame: sidebar, header and main column. The live chat and the first paint
 * before the browser has read its keys (ChatShell) share it, so one replaces the other in place.
 */
export function ChatLayout({
  sidebar,
  menuButton,
  badge,
  picker,
  actions,
  children,
  overlays,
}: ChatLayoutProps) {
  return (
    <div className="flex h-dvh">
      <aside className="hidden w-72 shrink-0 flex-col border-r border-zinc-200 bg-zinc-50 md:flex dark:border-zinc-800 dark:bg-zinc-950">
        {sidebar}
      </aside>

      <div className="flex min-w-0 flex-1 flex-col">
        <header className="border-b border-zinc-200 dark:border-zinc-800">
          <div className="flex w-full flex-wrap items-center gap-x-3 gap-y-2 px-3 py-2.5 sm:px-4">
            {menuButton}
            <h1 className="text-lg font-semibold">chutes-chat</h1>
            {badge}
            <div className="order-last w-full lg:order-none lg:w-auto lg:flex-1">{picker}</div>
            <div className="ml-auto flex items-center gap-2">{actions}</div>
          </div>
        </header>

        <main className="flex min-h-0 flex-1 flex-col">{children}</main>
      </div>
      {overlays}
    </div>
  );
}

/** The header buttons; the live screen passes handlers, the first paint none. */
export function MenuButton(props: { onClick?: () => void; expanded?: boolean }) {
  return (
    <button
      type="button"
      onClick={props.onClick}
      aria-expanded={props.expanded ?? false}
      className="btn-secondary btn-touch px-2.5 md:hidden"
    >
      <span aria-hidden="true">☰</span>
      <span className="sr-only">Conversations</span>
    </button>
  );
}

export function HeaderActions(props: {
  onShortcuts?: () => void;
  onSettings?: () => void;
  settingsExpanded?: boolean;
}) {
  return (
    <>
      {/* Keyboard shortcuts need a keyboard: not offered on a phone, where the header has no room. */}
      <button
        type="button"
        onClick={props.onShortcuts}
        aria-keyshortcuts="?"
        className="btn-ghost btn-touch hidden px-2.5 sm:inline-flex"
      >
        <span aria-hidden="true">?</span>
        <span className="sr-only">Keyboard shortcuts</span>
      </button>
      <button
        type="button"
        onClick={props.onSettings}
        aria-expanded={props.settingsExpanded ?? false}
        className="btn-secondary btn-touch"
      >
        Settings
      </button>
    </>
  );
}
