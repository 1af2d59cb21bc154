"use client";

import { memo, useId, useState } from "react";
import type { ConversationSummary } from "@/src/lib/history/schema.ts";

export interface ConversationItemProps {
  conversation: Pick<ConversationSummary, "id" | "title">;
  active: boolean;
  onOpen: (id: string) => void;
  onRename: (id: string, title: string) => void;
  onDelete: (id: string) => void;
  onExport: (id: string, kind: "json" | "md") => void;
}

/** A conversation in the sidebar: open it, or reveal its actions (rename, export, delete). */
export const ConversationItem = memo(function ConversationItem({
  conversation,
  active,
  onOpen,
  onRename,
  onDelete,
  onExport,
}: ConversationItemProps) {
  const [mode, setMode] = useState<"idle" | "actions" | "renaming">("idle");
  const actionsId = useId();
  const inputId = useId();
  const { id, title } = conversation;

  if (mode === "renaming") {
    return (
      <form
        onSubmit={(event) => {
          event.preventDefault();
          const value = new FormData(event.currentTarget).get("title");
          if (typeof value === "string") onRename(id, value);
          setMode("idle");
        }}
        className="flex flex-col gap-1.5 px-1 py-1"
      >
        <label htmlFor={inputId} className="sr-only">
          Conversation title
        </label>
        <input
          id={inputId}
          name="title"
          defaultValue={title}
          // biome-ignore lint/a11y/noAutofocus: the user just chose Rename.
          autoFocus
          onFocus={(event) => event.currentTarget.select()}
          onKeyDown={(event) => {
            if (event.key === "Escape") {
              event.preventDefault();
              event.stopPropagation();
              setMode("idle");
            }
          }}
          maxLength={200}
          className="input w-full py-1 text-sm"
        />
        <div className="flex gap-1.5">
          <button type="submit" className="btn-primary px-2 py-1 text-xs">
            Save
          </button>
          <button type="button" onClick={() => setMode("idle")} className="btn-secondary px-2 py-1 text-xs">
            Cancel
          </button>
        </div>
      </form>
    );
  }

  return (
    <div>
      <div
        className={`group flex items-center rounded-lg ${
          active ? "bg-zinc-200 dark:bg-zinc-800" : "hover:bg-zinc-100 dark:hover:bg-zinc-900"
        }`}
      >
        <button
          type="button"
          onClick={() => onOpen(id)}
          aria-current={active ? "page" : undefined}
          className="min-w-0 flex-1 truncate rounded-lg px-2.5 py-1.5 text-left text-sm"
        >
          {title}
        </button>
        <button
          type="button"
          aria-expanded={mode === "actions"}
          aria-controls={actionsId}
          aria-label={`Actions for ${title}`}
          onClick={() => setMode((m) => (m === "actions" ? "idle" : "actions"))}
          className="shrink-0 rounded-lg px-2 py-1.5 text-sm text-zinc-700 hover:bg-zinc-200 dark:text-zinc-300 dark:hover:bg-zinc-800"
        >
          <span aria-hidden="true">⋯</span>
        </button>
      </div>
      <div id={actionsId} hidden={mode !== "actions"} className="flex flex-wrap gap-1 px-1.5 py-1">
        {mode === "actions" ? (
          <>
            <button type="button" onClick={() => setMode("renaming")} className="btn-action">
              Rename
            </button>
            <button type="button" onClick={() => onExport(id, "md")} className="btn-action">
              Export as Markdown
            </button>
            <button type="button" onClick={() => onExport(id, "json")} className="btn-action">
              Export as JSON
            </button>
            <button
              type="button"
              onClick={() => onDelete(id)}
              className="btn-action text-red-800 dark:text-red-300"
            >
              Delete
            </button>
          </>
        ) : null}
      </div>
    </div>
  );
});
