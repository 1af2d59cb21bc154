"use client";

import { type KeyboardEvent, useDeferredValue, useId, useMemo, useState } from "react";
import type { Conversation } from "@/src/lib/history/schema.ts";
import { searchConversations } from "@/src/lib/history/search.ts";
import { TitledDialog } from "../ui/TitledDialog.tsx";

export interface SearchDialogProps {
  conversations: ReadonlyArray<Conversation>;
  onOpen: (id: string) => void;
  onClose: () => void;
}

/** Ctrl/Cmd+K: find a conversation by its title or any message in it; Enter opens it. */
export function SearchDialog({ conversations, onOpen, onClose }: SearchDialogProps) {
  const listId = useId();
  const [query, setQuery] = useState("");
  const deferredQuery = useDeferredValue(query);
  const [active, setActive] = useState(0);
  const hits = useMemo(
    () => searchConversations(conversations, deferredQuery),
    [conversations, deferredQuery],
  );
  const activeIndex = Math.min(active, hits.length - 1);
  const optionId = (index: number) => `${listId}-${index}`;

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      const delta = event.key === "ArrowDown" ? 1 : -1;
      setActive(Math.max(0, Math.min(hits.length - 1, activeIndex + delta)));
    } else if (event.key === "Enter") {
      event.preventDefault();
      const hit = hits[activeIndex];
      if (hit) onOpen(hit.id);
    }
  }

  return (
    <TitledDialog
      title="Search conversations"
      closeLabel="Close search"
      onClose={onClose}
      className="mx-auto mt-[10vh] w-[min(36rem,calc(100%-2rem))] rounded-xl"
      headerClassName="px-4 py-3"
      headingClassName="text-lg font-semibold"
    >
      <div className="p-4">
        <input
          type="search"
          role="combobox"
          aria-label="Search conversations"
          aria-expanded={hits.length > 0}
          aria-controls={listId}
          aria-autocomplete="list"
          aria-activedescendant={hits.length > 0 ? optionId(activeIndex) : undefined}
          data-autofocus
          value={query}
          onChange={(event) => {
            setQuery(event.target.value);
            setActive(0);
          }}
          onKeyDown={onKeyDown}
          placeholder="Words from a title or a message"
          className="input w-full"
        />
        <p className="mt-2 text-xs text-zinc-700 dark:text-zinc-300" aria-live="polite">
          {deferredQuery.trim()
            ? `${hits.length} ${hits.length === 1 ? "conversation" : "conversations"} found`
            : "Searches every conversation stored in this browser."}
        </p>
        <div id={listId} role="listbox" aria-label="Results" className="mt-2 max-h-[50vh] overflow-y-auto">
          {hits.map((hit, index) => (
            // biome-ignore lint/a11y/useFocusableInteractive: aria-activedescendant pattern; focus stays in the search box, which handles the keys.
            // biome-ignore lint/a11y/useKeyWithClickEvents: the search box handles Enter and the arrows.
            <div
              key={hit.id}
              id={optionId(index)}
              role="option"
              aria-selected={index === activeIndex}
              onMouseDown={(event) => event.preventDefault()}
              onMouseMove={() => index !== activeIndex && setActive(index)}
              onClick={() => onOpen(hit.id)}
              className={`cursor-pointer rounded-lg px-3 py-2 ${
                index === activeIndex ? "bg-sky-100 dark:bg-sky-950" : ""
              }`}
            >
              <span className="block truncate text-sm font-semibold">{hit.title}</span>
              {hit.matchedIn === "message" ? (
                <span className="block text-xs text-zinc-700 dark:text-zinc-300">{hit.snippet}</span>
              ) : null}
            </div>
          ))}
        </div>
      </div>
    </TitledDialog>
  );
}
