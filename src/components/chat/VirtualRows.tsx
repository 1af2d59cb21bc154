"use client";

import { useVirtualizer } from "@tanstack/react-virtual";
import { useLayoutEffect, useState } from "react";
import { type ChatMessage, messageText } from "@/src/lib/chat/messages.ts";
import { MessageRow, type RowsProps } from "./MessageRow.tsx";

// Loaded only for a long conversation (MessageList): the virtualiser is ~32 KiB of minified code
// that a new or short chat never runs, and the chat's first paint should not evaluate it.

const ROW_GAP_PX = 16;
const LIST_PADDING_PX = 24;

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

export function VirtualRows({ scrollElement, ...props }: RowsProps & { scrollElement: HTMLDivElement }) {
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
            <MessageRow message={message} props={props} />
          </div>
        );
      })}
    </div>
  );
}
