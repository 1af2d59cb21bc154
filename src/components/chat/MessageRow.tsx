"use client";

import type { ChatMessage } from "@/src/lib/chat/messages.ts";
import { MessageBubble } from "./MessageBubble.tsx";
import type { MessageListProps } from "./MessageList.tsx";

/** What every row of the conversation is rendered from, plain or virtualised. */
export interface RowsProps extends Omit<MessageListProps, "messages"> {
  rows: ChatMessage[];
  streamingId: string | undefined;
  lastAnswerId: string | undefined;
}

export function MessageRow({ message, props }: { message: ChatMessage; props: RowsProps }) {
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
