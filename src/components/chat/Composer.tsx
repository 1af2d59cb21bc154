"use client";

import {
  type FormEvent,
  type KeyboardEvent,
  type ReactNode,
  type Ref,
  useEffect,
  useId,
  useState,
} from "react";
import { clearEarlyDraft, peekEarlyDraft, rememberEarlyDraft } from "./earlyDraft.ts";

export interface ComposerProps {
  /** A request is in flight: Send is off and Stop is offered. */
  busy: boolean;
  /** Returns false when the message was not sent, so the text stays in the box. */
  onSend: (text: string) => boolean;
  onStop: () => void;
  inputRef?: Ref<HTMLTextAreaElement> | undefined;
  /** Why sending is not possible right now (e.g. a setting out of range); shown beside Send. */
  blocked?: string | null | undefined;
  /** Shown under the box, from the text being typed (the cost estimate). */
  footer?: ((text: string) => ReactNode) | undefined;
  /**
   * The painted frame shown while the live chat loads: Send waits, and what is typed is kept
   * for the live composer, which starts from it.
   */
  early?: boolean | undefined;
}

export function Composer({ busy, onSend, onStop, inputRef, blocked, footer, early = false }: ComposerProps) {
  const id = useId();
  const [text, setText] = useState(peekEarlyDraft);
  useEffect(() => {
    if (!early) clearEarlyDraft();
  }, [early]);
  const canSend = !early && !busy && !blocked && text.trim().length > 0;

  function send() {
    if (!canSend) return;
    if (onSend(text)) setText("");
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    // Enter sends; Shift+Enter (and Enter while an IME is composing) inserts a newline.
    if (event.key === "Enter" && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      send();
    }
  }

  return (
    <form
      onSubmit={(event: FormEvent<HTMLFormElement>) => {
        event.preventDefault();
        send();
      }}
      className="mx-auto flex w-full max-w-3xl flex-col gap-1 px-4 pb-4"
    >
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
          <button type="submit" disabled={!canSend} className="btn-primary">
            Send
          </button>
        </div>
      </div>
      {blocked ? (
        <p role="alert" className="text-xs text-red-800 dark:text-red-300">
          {blocked}
        </p>
      ) : null}
      {footer ? <div className="text-xs text-zinc-700 dark:text-zinc-300">{footer(text)}</div> : null}
    </form>
  );
}
