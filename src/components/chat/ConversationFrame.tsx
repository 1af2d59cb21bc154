import type { ReactNode, Ref, UIEventHandler } from "react";

export interface ConversationFrameProps {
  busy: boolean;
  /** Virtualised rows position themselves: no flex column or padding around them. */
  virtual?: boolean;
  scrollRef?: Ref<HTMLDivElement>;
  onScroll?: UIEventHandler<HTMLDivElement>;
  children: ReactNode;
}

/** The conversation's scrolling frame, shared by the live list and the server-painted empty chat. */
export function ConversationFrame({
  busy,
  virtual = false,
  scrollRef,
  onScroll,
  children,
}: ConversationFrameProps) {
  return (
    <div ref={scrollRef} onScroll={onScroll} className="min-h-0 flex-1 overflow-y-auto">
      {/* Not a live region: tokens would flood screen readers. The answer is announced once done. */}
      <div
        role="log"
        aria-live="off"
        aria-busy={busy}
        aria-label="Conversation"
        className={`mx-auto w-full max-w-3xl px-4 ${virtual ? "" : "flex flex-col gap-4 py-6"}`}
      >
        {children}
      </div>
    </div>
  );
}

export function EmptyConversationText() {
  return (
    <p className="py-16 text-center text-zinc-700 dark:text-zinc-300">
      Ask anything. Answers are billed to your own account.
    </p>
  );
}

/**
 * A conversation with no messages, without the message rows' code (Markdown, sources, versions):
 * the chat frame paints it at first load, before the chat's own chunk has arrived.
 */
export function EmptyConversation() {
  return (
    <ConversationFrame busy={false}>
      <EmptyConversationText />
    </ConversationFrame>
  );
}
