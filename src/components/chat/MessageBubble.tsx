"use client";

import { memo, useDeferredValue, useId, useState } from "react";
import { isDocumentPart } from "@/src/lib/api/documents.ts";
import { isImagePart } from "@/src/lib/api/images.ts";
import { formatTokens, formatUsageLine, type Pricing } from "@/src/lib/chat/cost.ts";
import type { ChatMessage } from "@/src/lib/chat/messages.ts";
import { messageText, reasoningText } from "@/src/lib/chat/messages.ts";
import { versionPosition } from "@/src/lib/chat/versions.ts";
import { CopyButton } from "./CopyButton.tsx";
import { LazyMarkdown } from "./LazyMarkdown.tsx";
import { RowProbe } from "./renderProbe.tsx";
import { FileNotes, RetrievalNote, SourcesList } from "./SourcesList.tsx";
import { ThinkingBlock } from "./ThinkingBlock.tsx";

export interface MessageBubbleProps {
  message: ChatMessage;
  /** The answer is still arriving. */
  streaming?: boolean;
  /** The answer stopped early because of an error; what arrived stays visible. */
  incomplete?: boolean;
  /** A request is in flight: editing and regenerating wait. */
  busy?: boolean;
  /** This is the last answer, which Regenerate replaces. */
  lastAnswer?: boolean;
  /** The price of the model that wrote this answer, when known. */
  pricing?: Pricing | null;
  onRegenerate?: () => void;
  /** The estimate of a regenerate, e.g. "≈ 812 tokens in · $0.0002". */
  regenerateEstimate?: string | undefined;
  /** Replace this user message with `text` and ask again (later messages are dropped). */
  onEdit?: (messageId: string, text: string) => void;
  /** Show another version (0-based) of this message and what followed it. */
  onSwitchVersion?: (messageId: string, target: number) => void;
}

/**
 * One message row. Memoised: useChat keeps finished message objects stable, so while an answer
 * streams only its own row re-renders (the render-count test holds this).
 */
export const MessageBubble = memo(function MessageBubble(props: MessageBubbleProps) {
  return (
    <RowProbe id={props.message.id}>
      <Bubble {...props} />
    </RowProbe>
  );
});

function Bubble({
  message,
  streaming = false,
  incomplete = false,
  busy = false,
  lastAnswer = false,
  pricing,
  onRegenerate,
  onEdit,
  onSwitchVersion,
  regenerateEstimate,
}: MessageBubbleProps) {
  const isUser = message.role === "user";
  const text = messageText(message);
  // While tokens pour in, React may skip intermediate Markdown renders to keep typing responsive.
  const shownText = useDeferredValue(text);
  const reasoning = isUser ? "" : reasoningText(message);
  const stillThinking =
    streaming && message.parts.some((part) => part.type === "reasoning" && part.state === "streaming");
  const [editing, setEditing] = useState(false);

  if (isUser && editing) {
    return (
      <EditMessage
        initial={text}
        onCancel={() => setEditing(false)}
        onSave={(next) => {
          setEditing(false);
          onEdit?.(message.id, next);
        }}
        busy={busy}
      />
    );
  }

  return (
    <article
      aria-label={isUser ? "Your message" : "Assistant answer"}
      // Stable hook for browser tests.
      data-role={message.role}
      className={`message-row flex flex-col gap-1 ${isUser ? "items-end" : "items-start"}`}
    >
      <div
        className={`max-w-[min(42rem,100%)] min-w-0 rounded-2xl px-4 py-2.5 ${
          isUser
            ? "bg-sky-700 text-white dark:bg-sky-700"
            : `w-full bg-zinc-100 text-zinc-900 dark:bg-zinc-900 dark:text-zinc-100 ${
                incomplete ? "ring-2 ring-amber-500" : ""
              }`
        }`}
      >
        {reasoning.trim() ? (
          <ThinkingBlock
            text={reasoning}
            thinking={stillThinking}
            durationMs={message.metadata?.reasoningMs}
            reasoningTokens={message.metadata?.usage?.reasoningTokens}
          />
        ) : null}
        {isUser ? <MessageImages message={message} /> : null}
        {isUser ? <MessageDocuments message={message} /> : null}
        {text.trim() ? (
          isUser ? (
            <p className="whitespace-pre-wrap break-words">{text}</p>
          ) : (
            <LazyMarkdown text={shownText.trimStart()} />
          )
        ) : streaming ? (
          reasoning ? null : (
            <p className="text-zinc-700 dark:text-zinc-300">Waiting for the answer…</p>
          )
        ) : reasoning.trim() ? (
          <p data-testid="no-answer" className="text-zinc-700 dark:text-zinc-300">
            The model stopped while thinking, before it wrote an answer.
          </p>
        ) : null}
      </div>
      {isUser ? (
        <div className="flex gap-1 px-1">
          <VersionSwitcher message={message} busy={busy} onSwitch={onSwitchVersion} />
          <button
            type="button"
            disabled={busy}
            onClick={() => setEditing(true)}
            className="btn-action"
            title="Edit and resend"
          >
            Edit
          </button>
        </div>
      ) : (
        <>
          <SourcesList sources={message.metadata?.sources ?? []} />
          <RetrievalNote retrieval={message.metadata?.retrieval} />
          <FileNotes notices={message.metadata?.fileNotices} />
          <VersionSwitcher message={message} busy={busy || streaming} onSwitch={onSwitchVersion} />
          <AnswerFooter
            message={message}
            text={text}
            streaming={streaming}
            incomplete={incomplete}
            canRegenerate={lastAnswer && !busy}
            pricing={pricing}
            onRegenerate={onRegenerate}
            regenerateEstimate={regenerateEstimate}
          />
        </>
      )}
    </article>
  );
}

/** The images sent with a question, as thumbnails; at the size the model saw, within the bubble. */
function MessageImages({ message }: { message: ChatMessage }) {
  const images = message.parts.filter(isImagePart);
  if (images.length === 0) return null;
  return (
    <ul aria-label="Images sent" className="mb-2 flex flex-wrap justify-end gap-2">
      {images.map((image, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: the parts of a sent message are fixed
        <li key={index}>
          {/* biome-ignore lint/performance/noImgElement: a data URL from the conversation itself */}
          <img
            src={image.url}
            alt={image.filename ?? "image"}
            className="max-h-48 max-w-full rounded-lg object-contain"
          />
        </li>
      ))}
    </ul>
  );
}

/** The documents sent with a question, by name: their text is the answer's "from your file" sources. */
function MessageDocuments({ message }: { message: ChatMessage }) {
  const documents = message.parts.filter(isDocumentPart);
  if (documents.length === 0) return null;
  return (
    <ul aria-label="Files sent" className="mb-2 flex flex-wrap justify-end gap-2">
      {documents.map((document, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: the parts of a sent message are fixed
        <li key={index} className="rounded-md border border-zinc-300 px-2 py-1 text-sm dark:border-zinc-600">
          {document.filename}
        </li>
      ))}
    </ul>
  );
}

/** ‹ 2 / 3 ›: flips between the versions kept by regenerate and edit. */
function VersionSwitcher({
  message,
  busy,
  onSwitch,
}: {
  message: ChatMessage;
  busy: boolean;
  onSwitch: ((messageId: string, target: number) => void) | undefined;
}) {
  const { index, count } = versionPosition(message);
  if (count < 2 || !onSwitch) return null;
  const noun = message.role === "user" ? "message" : "answer";
  return (
    // biome-ignore lint/a11y/useSemanticElements: a group of buttons, not a form's fieldset.
    <div
      role="group"
      aria-label={`Versions of this ${noun}`}
      className="flex items-center gap-1 px-1 text-xs"
    >
      <button
        type="button"
        className="btn-action"
        aria-label={`Previous version of this ${noun}`}
        disabled={busy || index === 0}
        onClick={() => onSwitch(message.id, index - 1)}
      >
        ‹
      </button>
      <span data-testid="version-position">
        {index + 1} / {count}
      </span>
      <button
        type="button"
        className="btn-action"
        aria-label={`Next version of this ${noun}`}
        disabled={busy || index === count - 1}
        onClick={() => onSwitch(message.id, index + 1)}
      >
        ›
      </button>
    </div>
  );
}

function AnswerFooter({
  message,
  text,
  streaming,
  incomplete,
  canRegenerate,
  pricing,
  onRegenerate,
  regenerateEstimate,
}: {
  message: ChatMessage;
  text: string;
  streaming: boolean;
  incomplete: boolean;
  canRegenerate: boolean;
  pricing: Pricing | null | undefined;
  onRegenerate: (() => void) | undefined;
  regenerateEstimate: string | undefined;
}) {
  const model = message.metadata?.model;
  const usage = message.metadata?.usage;
  return (
    <div className="flex flex-wrap items-center gap-x-2 gap-y-1 px-1 text-xs text-zinc-700 dark:text-zinc-300">
      {text && !streaming ? <CopyButton getText={() => text} label="Copy answer" /> : null}
      {canRegenerate && onRegenerate ? (
        <>
          <button type="button" onClick={onRegenerate} className="btn-action">
            Regenerate
          </button>
          {regenerateEstimate ? <span data-testid="regenerate-estimate">{regenerateEstimate}</span> : null}
        </>
      ) : null}
      {incomplete ? (
        <span className="font-semibold text-amber-800 dark:text-amber-300">Incomplete answer</span>
      ) : null}
      {usage ? (
        <span
          data-testid="answer-usage"
          title={`${formatTokens(usage.inputTokens ?? 0)} in, ${formatTokens(usage.outputTokens ?? 0)} out`}
        >
          {formatUsageLine(usage, pricing)}
        </span>
      ) : null}
      {model ? <span className="break-all">{model}</span> : null}
    </div>
  );
}

function EditMessage({
  initial,
  busy,
  onSave,
  onCancel,
}: {
  initial: string;
  busy: boolean;
  onSave: (text: string) => void;
  onCancel: () => void;
}) {
  const id = useId();
  const [value, setValue] = useState(initial);
  const canSave = !busy && value.trim().length > 0;
  return (
    <form
      aria-label="Edit message"
      onSubmit={(event) => {
        event.preventDefault();
        if (canSave) onSave(value);
      }}
      className="flex flex-col items-end gap-2"
    >
      <label htmlFor={id} className="sr-only">
        Edit message
      </label>
      <textarea
        id={id}
        value={value}
        // biome-ignore lint/a11y/noAutofocus: the user just asked to edit this message.
        autoFocus
        onChange={(event) => setValue(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === "Escape") {
            event.preventDefault();
            event.stopPropagation();
            onCancel();
          }
        }}
        rows={3}
        className="input w-full max-w-[min(42rem,100%)] resize-y"
      />
      <div className="flex gap-2">
        <button type="button" onClick={onCancel} className="btn-secondary">
          Cancel
        </button>
        <button type="submit" disabled={!canSave} className="btn-primary">
          Save and resend
        </button>
      </div>
    </form>
  );
}
