"use client";

import { type FormEvent, type KeyboardEvent, type Ref, useId, useState } from "react";

export interface ComposerProps {
  /** A request is in flight: Send is off and Stop is offered. */
  busy: boolean;
  /** Returns false when the message was not sent, so the text stays in the box. */
  onSend: (text: string) => boolean;
  onStop: () => void;
  inputRef?: Ref<HTMLTextAreaElement> | undefined;
}

export function Composer({ busy, onSend, onStop, inputRef }: ComposerProps) {
  const id = useId();
  const [text, setText] = useState("");
  const canSend = !busy && text.trim().length > 0;

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
      className="mx-auto flex w-full max-w-3xl items-end gap-2 px-4 pb-4"
    >
      <label htmlFor={id} className="sr-only">
        Message
      </label>
      <textarea
        ref={inputRef}
        id={id}
        value={text}
        onChange={(event) => setText(event.target.value)}
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
    </form>
  );
}
