"use client";

import { Suspense, use, useCallback, useLayoutEffect, useRef, useState } from "react";
import type { Pricing } from "@/src/lib/chat/cost.ts";
import type { ChatMessage } from "@/src/lib/chat/messages.ts";
import { ConversationFrame, EmptyConversationText } from "./ConversationFrame.tsx";
import { MessageRow, type RowsProps } from "./MessageRow.tsx";

export interface MessageListProps {
  messages: ChatMessage[];
  /** A request is in flight (submitted or streaming). */
  busy: boolean;
  /** Assistant messages that were cut off by an error. */
  incompleteIds: ReadonlySet<string>;
  /** Price lookup by model id; must keep its identity while the catalog does. */
  pricingOf?: (model: string | undefined) => Pricing | null | undefined;
  /** Both must be stable (see useStableCallback), or every row re-renders. */
  onRegenerate?: () => void;
  onEdit?: (messageId: string, text: string) => void;
  onSwitchVersion?: (messageId: string, target: number) => void;
  /** What regenerating the last answer would cost, shown beside its Regenerate button. */
  regenerateEstimate?: string | undefined;
}

// Within this many pixels of the end still counts as "at the bottom".
const STICK_THRESHOLD_PX = 48;
/**
 * Longer conversations are virtualised: only rows near the viewport are mounted. Measured in the
 * browser tests on a 300-message chat: mounting every row blocked the main thread for ~1.6 s on
 * open; virtualised it is a fraction of that. Short chats keep every row (simpler, and in-page find works).
 */
const VIRTUALIZE_AFTER = 60;
/** Shown while the virtualiser loads: the end of the conversation, where a long chat opens. */
const TAIL_ROWS = 8;

// The virtualiser is its own chunk, which opening the chat does not evaluate: the chat screen asks
// for it on the user's first key or pointer press (preloadVirtualRows), and a long chat shown
// before that (restored on reload) shows its last rows until it arrives. The promise is marked
// fulfilled when it settles, so `use` reads a preloaded module at once instead of suspending (a
// suspended list shows its fallback for up to React's 300 ms reveal throttle).
type VirtualRowsModule = typeof import("./VirtualRows.tsx") | null;
type TrackedLoad = Promise<VirtualRowsModule> & { status?: "fulfilled"; value?: VirtualRowsModule };
let virtualRows: TrackedLoad | null = null;

function loadVirtualRows(): Promise<VirtualRowsModule> {
  if (!virtualRows) {
    // Without its chunk (offline, a new deployment) the list renders every row, as a short one
    // does, until the page is reloaded.
    const loading: TrackedLoad = import("./VirtualRows.tsx").catch(() => null);
    void loading.then((module) => Object.assign(loading, { status: "fulfilled", value: module }));
    virtualRows = loading;
  }
  return virtualRows;
}

export function preloadVirtualRows(): void {
  void loadVirtualRows();
}

function VirtualisedRows(props: RowsProps & { scrollElement: HTMLDivElement }) {
  const module = use(loadVirtualRows());
  return module ? <module.VirtualRows {...props} /> : <StackedRows {...props} />;
}

function hasVisibleContent(message: ChatMessage): boolean {
  return message.parts.some(
    (part) => (part.type === "text" || part.type === "reasoning") && part.text.length > 0,
  );
}

/**
 * The conversation. Rows are memoised (a streamed token re-renders only its own row); off-screen
 * rows skip layout and paint (`content-visibility: auto` on `.message-row`), and long chats are
 * virtualised.
 */
export function MessageList({ messages, busy, ...rest }: MessageListProps) {
  const scrollRef = useRef<HTMLDivElement | null>(null);
  // The virtualiser needs the element itself: a child's effects run before a parent's ref is set.
  const [scrollElement, setScrollElement] = useState<HTMLDivElement | null>(null);
  const attachScroll = useCallback((el: HTMLDivElement | null) => {
    scrollRef.current = el;
    setScrollElement(el);
  }, []);
  // Follow the stream unless the user scrolled up to read; scrolling back down re-enables it.
  const stickToBottom = useRef(true);
  const lastMessage = messages.at(-1);
  const lastUserId = messages.findLast((m) => m.role === "user")?.id;
  const streamingId = busy && lastMessage?.role === "assistant" ? lastMessage.id : undefined;
  const waiting = busy && lastMessage?.role === "user";
  const rows = messages.filter((m) => m.role === "user" || m.id === streamingId || hasVisibleContent(m));
  const rowsProps: RowsProps = {
    ...rest,
    busy,
    rows,
    streamingId,
    lastAnswerId: lastMessage?.role === "assistant" ? lastMessage.id : undefined,
  };

  // A new user message always brings the view back to the end.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs when a new user message appears.
  useLayoutEffect(() => {
    stickToBottom.current = true;
  }, [lastUserId]);

  // Runs on every content change while streaming (messages is a new array for each chunk).
  useLayoutEffect(() => {
    const el = scrollRef.current;
    // An empty conversation has no end to scroll to; reading its height would force a layout of the
    // whole screen in the middle of mounting it (the chat's first screen).
    if (el && messages.length > 0 && stickToBottom.current) el.scrollTop = el.scrollHeight;
  }, [messages]);

  const virtual = rows.length > VIRTUALIZE_AFTER;
  return (
    <ConversationFrame
      busy={busy}
      virtual={virtual}
      scrollRef={attachScroll}
      onScroll={(event) => {
        const el = event.currentTarget;
        stickToBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < STICK_THRESHOLD_PX;
      }}
    >
      {messages.length === 0 ? <EmptyConversationText /> : null}
      {virtual ? (
        <Suspense fallback={<StackedRows {...rowsProps} rows={rows.slice(-TAIL_ROWS)} />}>
          {scrollElement ? <VirtualisedRows scrollElement={scrollElement} {...rowsProps} /> : null}
        </Suspense>
      ) : (
        <PlainRows {...rowsProps} />
      )}
      {waiting ? (
        <p className={`text-sm text-zinc-700 dark:text-zinc-300 ${virtual ? "pb-6" : ""}`} aria-hidden="true">
          Waiting for the model…
        </p>
      ) : null}
    </ConversationFrame>
  );
}

function PlainRows(props: RowsProps) {
  return props.rows.map((message) => <MessageRow key={message.id} message={message} props={props} />);
}

/** Plain rows where the frame expects the virtualiser (which spaces its own rows). */
function StackedRows(props: RowsProps) {
  return (
    <div className="flex flex-col gap-4 py-6">
      <PlainRows {...props} />
    </div>
  );
}
