"use client";

import {
  type ClipboardEvent,
  type DragEvent,
  type FormEvent,
  type KeyboardEvent,
  type ReactNode,
  type Ref,
  useEffect,
  useId,
  useRef,
  useState,
} from "react";
import { DOCUMENT_ACCEPT } from "@/src/lib/api/documents.ts";
import { isImagePart } from "@/src/lib/api/images.ts";
import { AttachedFiles } from "./attachments/AttachedFiles.tsx";
import { type AttachmentPart, useAttachments } from "./attachments/useAttachments.ts";
import { clearEarlyDraft, peekEarlyDraft, rememberEarlyDraft } from "./earlyDraft.ts";

export interface ComposerProps {
  /** A request is in flight: Send is off and Stop is offered. */
  busy: boolean;
  /** Returns false when the message was not sent, so the text and files stay in the box. */
  onSend: (text: string, files: AttachmentPart[]) => boolean;
  onStop: () => void;
  inputRef?: Ref<HTMLTextAreaElement> | undefined;
  /** Why sending is not possible right now (e.g. a setting out of range); shown beside Send. */
  blocked?: string | null | undefined;
  /** Why the chosen model cannot take the attached images (it reads text only); null when it can. */
  imageRefusal?: string | null | undefined;
  /** Shown under the box, from the text being typed (the cost estimate). */
  footer?: ((text: string, files: ReadonlyArray<AttachmentPart>) => ReactNode) | undefined;
  /**
   * The painted frame shown while the live chat loads: Send waits, and what is typed is kept
   * for the live composer, which starts from it.
   */
  early?: boolean | undefined;
}

/** Characters past which the footer's estimate waits for a pause in typing. */
export const LONG_DRAFT_CHARS = 20_000;
export const ESTIMATE_PAUSE_MS = 250;

/**
 * The text the footer's estimate is made from. Counting a draft's tokens takes ~0.1 ms per 1,000
 * characters here (4x that on a phone), so a long draft (a pasted log) is counted once typing
 * pauses, not at every key (keys in a 99,000-character draft: 31-35 ms in their handlers before,
 * 11-13 after; bench:longchat with LONGCHAT_DRAFT).
 */
function useEstimatedText(text: string): string {
  const long = text.length > LONG_DRAFT_CHARS;
  const [settled, setSettled] = useState(text);
  useEffect(() => {
    if (!long) return;
    const timer = setTimeout(() => setSettled(text), ESTIMATE_PAUSE_MS);
    return () => clearTimeout(timer);
  }, [text, long]);
  return long ? settled : text;
}

// Every file goes to the attacher, which names any it cannot send rather than dropping it silently.
const filesOf = (files: FileList | null | undefined) => Array.from(files ?? []);

export function Composer({
  busy,
  onSend,
  onStop,
  inputRef,
  blocked,
  imageRefusal,
  footer,
  early = false,
}: ComposerProps) {
  const id = useId();
  const [text, setText] = useState(peekEarlyDraft);
  const estimated = useEstimatedText(text);
  useEffect(() => {
    if (!early) clearEarlyDraft();
  }, [early]);
  const attachments = useAttachments();
  const fileInput = useRef<HTMLInputElement>(null);
  const [dropping, setDropping] = useState(false);
  const files = attachments.items.map((item) => item.part);
  const refused = files.some(isImagePart) ? (imageRefusal ?? null) : null;
  const stop = blocked ?? refused;
  const canSend =
    !early && !busy && !stop && attachments.preparing === 0 && (text.trim().length > 0 || files.length > 0);

  function send() {
    if (!canSend) return;
    if (onSend(text, files)) {
      setText("");
      attachments.clear();
    }
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    // Enter sends; Shift+Enter (and Enter while an IME is composing) inserts a newline.
    if (event.key === "Enter" && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      send();
    }
  }

  function onPaste(event: ClipboardEvent<HTMLTextAreaElement>) {
    const files = filesOf(event.clipboardData.files);
    if (files.length === 0 || early) return;
    // A screenshot pastes as a file; text copied with an image keeps its text.
    if (!event.clipboardData.getData("text/plain")) event.preventDefault();
    attachments.add(files);
  }

  const dragsFiles = (event: DragEvent) => !early && event.dataTransfer.types.includes("Files");

  return (
    <form
      onSubmit={(event: FormEvent<HTMLFormElement>) => {
        event.preventDefault();
        send();
      }}
      onDragOver={(event) => {
        if (!dragsFiles(event)) return;
        event.preventDefault();
        setDropping(true);
      }}
      onDragLeave={() => setDropping(false)}
      onDrop={(event) => {
        if (!dragsFiles(event)) return;
        event.preventDefault();
        setDropping(false);
        attachments.add(filesOf(event.dataTransfer.files));
      }}
      className={`mx-auto flex w-full max-w-3xl flex-col gap-1 px-4 pb-4 ${
        dropping ? "rounded-lg outline-2 outline-dashed outline-sky-600" : ""
      }`}
    >
      <AttachedFiles
        items={attachments.items}
        preparing={attachments.preparing}
        onRemove={attachments.remove}
      />
      <div className="flex w-full items-end gap-2">
        <label htmlFor={id} className="sr-only">
          Message
        </label>
        <textarea
          ref={inputRef}
          id={id}
          value={text}
          onChange={(event) => {
            setText(event.target.value);
            if (early) rememberEarlyDraft(event.target.value);
          }}
          onKeyDown={onKeyDown}
          onPaste={onPaste}
          rows={2}
          placeholder="Message (Enter to send, Shift+Enter for a new line)"
          className="input max-h-48 min-h-[2.75rem] flex-1 resize-y"
        />
        <div className="flex shrink-0 flex-col gap-2 sm:flex-row">
          {busy ? (
            <button type="button" onClick={onStop} className="btn-secondary">
              Stop
            </button>
          ) : null}
          <button
            type="button"
            disabled={early}
            onClick={() => fileInput.current?.click()}
            className="btn-secondary btn-touch"
            aria-label="Attach files"
            title="Attach images or documents (or paste or drop them here)"
          >
            <svg aria-hidden="true" viewBox="0 0 24 24" className="h-5 w-5" fill="none" stroke="currentColor">
              <path
                strokeWidth="2"
                strokeLinecap="round"
                d="M21 12.5l-8.5 8.5a5 5 0 01-7-7L14 5.5a3.5 3.5 0 015 5L10.5 19a2 2 0 01-3-3L15 8.5"
              />
            </svg>
          </button>
          <button type="submit" disabled={!canSend} className="btn-primary">
            Send
          </button>
        </div>
        <input
          ref={fileInput}
          type="file"
          accept={`image/*,${DOCUMENT_ACCEPT}`}
          multiple
          hidden
          data-testid="attach-files"
          onChange={(event) => {
            attachments.add(filesOf(event.target.files));
            // The same file may be picked again after it was removed.
            event.target.value = "";
          }}
        />
      </div>
      {stop ? (
        <p role="alert" className="text-xs text-red-800 dark:text-red-300">
          {stop}
        </p>
      ) : null}
      {attachments.problem ? (
        <p role="alert" className="text-xs text-red-800 dark:text-red-300">
          {attachments.problem}
        </p>
      ) : null}
      {footer ? (
        <div className="text-xs text-zinc-700 dark:text-zinc-300">{footer(estimated, files)}</div>
      ) : null}
    </form>
  );
}
