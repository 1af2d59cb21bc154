"use client";

import { useVirtualizer } from "@tanstack/react-virtual";
import { useCallback, useLayoutEffect, useRef, useState } from "react";
import type { Pricing } from "@/src/lib/chat/cost.ts";
import { type ChatMessage, messageText } from "@/src/lib/chat/messages.ts";
import { ConversationFrame, EmptyConversationText } from "./ConversationFrame.tsx";
import { MessageBubble } from "./MessageBubble.tsx";

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
const ROW_GAP_PX = 16;
const LIST_PADDING_PX = 24;

function hasVisibleContent(message: ChatMessage): boolean {
  return message.parts.some(
    (part) => (part.type === "text" || part.type === "reasoning") && part.text.length > 0,
  );
}

interface RowsProps extends Omit<MessageListProps, "messages"> {
  rows: ChatMessage[];
  streamingId: string | undefined;
  lastAnswerId: string | undefined;
}

function Row({ message, props }: { message: ChatMessage; props: RowsProps }) {
  return (
    <MessageBubble
      message={message}
      streaming={message.id === props.streamingId}
      incomplete={props.incompleteIds.has(message.id)}
      busy={props.busy}
      lastAnswer={message.id === props.lastAnswerId}
      pricing={message.role === "assistant" ? props.pricingOf?.(message.metadata?.model) : undefined}
      onRegenerate={props.onRegenerate}
      onEdit={props.onEdit}
      onSwitchVersion={props.onSwitchVersion}
      regenerateEstimate={message.id === props.lastAnswerId ? props.regenerateEstimate : undefined}
    />
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

  // biome-ignore lint/correctness/useExhaustiveDependencies: re-run on every content change while streaming.
  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (el && stickToBottom.current) el.scrollTop = el.scrollHeight;
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
        scrollElement ? (
          <VirtualRows scrollElement={scrollElement} {...rowsProps} />
        ) : null
      ) : (
        rows.map((message) => <Row key={message.id} message={message} props={rowsProps} />)
      )}
      {waiting ? (
        <p className={`text-sm text-zinc-700 dark:text-zinc-300 ${virtual ? "pb-6" : ""}`} aria-hidden="true">
          Waiting for the model…
        </p>
      ) : null}
    </ConversationFrame>
  );
}

const estimates = new WeakMap<ChatMessage, number>();

/**
 * A row's height before it is measured, from its lines of text (about 80 characters a line): near
 * the truth, the rows mounted to fill the view are the ones that stay. Kept per message, as the
 * virtualiser asks again for every unmeasured row each time a row is measured.
 */
function estimatedRowSize(message: ChatMessage | undefined): number {
  if (!message) return 180;
  let size = estimates.get(message);
  if (size === undefined) {
    const lines = messageText(message)
      .split("\n")
      .reduce((n, line) => n + Math.max(1, Math.ceil(line.length / 80)), 0);
    const extras = message.role === "user" ? 48 : 72 + (message.metadata?.sources?.length ? 32 : 0);
    size = extras + lines * 22;
    estimates.set(message, size);
  }
  return size;
}

function VirtualRows({ scrollElement, ...props }: RowsProps & { scrollElement: HTMLDivElement }) {
  const { rows } = props;
  // Read once: the options are rebuilt on every render, and this read would force a layout each time.
  const [initialRect] = useState(() => ({
    width: scrollElement.clientWidth,
    height: scrollElement.clientHeight,
  }));
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollElement,
    estimateSize: (index) => estimatedRowSize(rows[index]),
    // Start at the end, where a long chat opens: from offset 0 the first rows were mounted (their
    // Markdown rendered) only to be dropped for the last ones; the bench saw 53 rows mounted to show 8.
    initialOffset: () =>
      Math.max(
        0,
        rows.reduce((sum, m) => sum + estimatedRowSize(m) + ROW_GAP_PX, 2 * LIST_PADDING_PX) -
          initialRect.height,
      ),
    initialRect,
    getItemKey: (index) => rows[index]?.id ?? index,
    overscan: 6,
    gap: ROW_GAP_PX,
    paddingStart: LIST_PADDING_PX,
    paddingEnd: LIST_PADDING_PX,
    useFlushSync: false,
  });

  // Opening a long conversation shows its end.
  // biome-ignore lint/correctness/useExhaustiveDependencies: once, on mount.
  useLayoutEffect(() => {
    virtualizer.scrollToIndex(rows.length - 1, { align: "end" });
  }, []);

  return (
    <div className="virtual-rows relative w-full" style={{ height: virtualizer.getTotalSize() }}>
      {virtualizer.getVirtualItems().map((item) => {
        const message = rows[item.index];
        if (!message) return null;
        return (
          <div
            key={item.key}
            data-index={item.index}
            ref={virtualizer.measureElement}
            className="absolute top-0 left-0 w-full"
            style={{ transform: `translateY(${item.start}px)` }}
          >
            <Row message={message} props={props} />
          </div>
        );
      })}
    </div>
  );
}
