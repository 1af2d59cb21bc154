"use client";

import { type KeyboardEvent, type Ref, useId, useMemo, useState } from "react";
import {
  CAPABILITIES,
  CAPABILITY_LABELS,
  type Capability,
  hasCapability,
  MODEL_SORT_LABELS,
  MODEL_SORTS,
  type ModelSort,
  selectModels,
} from "@/src/lib/models/catalog.ts";
import { contextText, filterModels, priceText, unlistedModel } from "./modelText.ts";
import type { ModelCatalog, ModelInfo } from "./useModelCatalog.ts";

export interface ModelPickerProps {
  catalog: ModelCatalog;
  /** null while the list is loading. */
  value: string | null;
  onChange: (id: string) => void;
  inputRef?: Ref<HTMLInputElement>;
}

/**
 * A searchable combobox (WAI-ARIA combobox + listbox): type to filter, arrows to move, Enter to
 * choose, Esc to close. Closed, the box shows the chosen model id.
 */
export function ModelPicker({ catalog, value, onChange, inputRef }: ModelPickerProps) {
  const inputId = useId();
  const listId = useId();
  const models = useMemo(() => (catalog.state === "ready" ? catalog.models : []), [catalog]);
  const [query, setQuery] = useState<string | null>(null);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const [required, setRequired] = useState<ReadonlySet<Capability>>(() => new Set());
  const [sort, setSort] = useState<ModelSort>("catalog");

  const options = useMemo(() => {
    const filtered = filterModels(selectModels(models, { require: [...required], sort }), query ?? "");
    // The current value stays choosable even when the list failed to load.
    if (value !== null && query === null && !models.some((m) => m.id === value))
      return [unlistedModel(value), ...filtered];
    return filtered;
  }, [models, query, value, required, sort]);
  const activeIndex = Math.min(active, options.length - 1);
  const activeOption = open && activeIndex >= 0 ? options[activeIndex] : undefined;
  const optionId = (index: number) => `${listId}-${index}`;

  function openList() {
    if (open) return;
    setOpen(true);
    setActive(
      Math.max(
        0,
        options.findIndex((m) => m.id === value),
      ),
    );
  }

  function close() {
    setOpen(false);
    setQuery(null);
  }

  function choose(model: ModelInfo | undefined) {
    if (model) onChange(model.id);
    close();
  }

  function move(delta: number) {
    if (!open) {
      openList();
      return;
    }
    const next = Math.max(0, Math.min(options.length - 1, activeIndex + delta));
    setActive(next);
    document.getElementById(optionId(next))?.scrollIntoView?.({ block: "nearest" });
  }

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    switch (event.key) {
      case "ArrowDown":
        event.preventDefault();
        move(event.altKey ? 0 : 1);
        break;
      case "ArrowUp":
        event.preventDefault();
        move(-1);
        break;
      case "PageDown":
        if (open) {
          event.preventDefault();
          move(10);
        }
        break;
      case "PageUp":
        if (open) {
          event.preventDefault();
          move(-10);
        }
        break;
      case "Enter":
        if (open) {
          event.preventDefault();
          choose(activeOption);
        }
        break;
      case "Escape":
        if (open || query !== null) {
          // Handled here, so it neither closes a dialog nor stops an answer.
          event.preventDefault();
          event.stopPropagation();
          close();
        }
        break;
      case "Tab":
        close();
        break;
    }
  }

  const loading = catalog.state === "loading";
  return (
    <div className="flex min-w-0 flex-col gap-1 sm:flex-row sm:items-center sm:gap-2">
      <label htmlFor={inputId} className="text-sm font-medium">
        Model
      </label>
      <div className="relative min-w-0 flex-1 sm:max-w-md">
        <input
          id={inputId}
          ref={inputRef}
          type="text"
          role="combobox"
          aria-expanded={open}
          aria-controls={listId}
          aria-autocomplete="list"
          aria-activedescendant={activeOption ? optionId(activeIndex) : undefined}
          aria-busy={loading}
          disabled={loading}
          autoComplete="off"
          spellCheck={false}
          placeholder={loading ? "Loading models…" : "Search models"}
          value={query ?? value ?? ""}
          onChange={(event) => {
            setQuery(event.target.value);
            setActive(0);
            setOpen(true);
          }}
          onClick={() => (open ? close() : openList())}
          onFocus={(event) => event.currentTarget.select()}
          onBlur={close}
          onKeyDown={onKeyDown}
          className="input w-full truncate py-1.5 pr-8 text-sm"
        />
        <span
          aria-hidden="true"
          className="pointer-events-none absolute top-1/2 right-2.5 -translate-y-1/2 text-xs text-zinc-600 dark:text-zinc-400"
        >
          ▾
        </span>
        <div
          id={listId}
          role="listbox"
          aria-label="Models"
          hidden={!open}
          className="absolute top-full right-0 left-0 z-30 mt-1 max-h-80 min-w-full overflow-y-auto rounded-lg border border-zinc-300 bg-white py-1 shadow-lg sm:min-w-[28rem] dark:border-zinc-700 dark:bg-zinc-900"
        >
          {open && options.length === 0 ? (
            <div className="px-3 py-2 text-sm text-zinc-700 dark:text-zinc-300">
              {query ? `No model matches “${query}”` : "No model has every chosen capability"}
              {query && required.size > 0 ? " with the chosen capabilities" : ""}.
            </div>
          ) : null}
          {open
            ? options.map((model, index) => (
                // biome-ignore lint/a11y/useFocusableInteractive: aria-activedescendant pattern; focus stays in the combobox, which handles the keys.
                // biome-ignore lint/a11y/useKeyWithClickEvents: the combobox input handles Enter and the arrows.
                <div
                  key={model.id}
                  id={optionId(index)}
                  role="option"
                  aria-selected={model.id === value}
                  // Keep focus in the input, so the click does not blur and close first.
                  onMouseDown={(event) => event.preventDefault()}
                  onMouseMove={() => index !== activeIndex && setActive(index)}
                  onClick={() => choose(model)}
                  className={`cursor-pointer px-3 py-2 text-sm ${
                    index === activeIndex ? "bg-sky-100 dark:bg-sky-950" : ""
                  } ${model.id === value ? "font-semibold" : ""}`}
                >
                  <span className="flex items-center gap-2">
                    <span className="break-all">{model.id}</span>
                    {model.confidential ? (
                      <span className="rounded bg-emerald-100 px-1.5 text-[0.7rem] font-semibold text-emerald-900 dark:bg-emerald-950 dark:text-emerald-200">
                        TEE
                      </span>
                    ) : null}
                    {hasCapability(model, "reasoning") ? (
                      <span className="rounded bg-violet-100 px-1.5 text-[0.7rem] font-semibold text-violet-900 dark:bg-violet-950 dark:text-violet-200">
                        Reasoning
                      </span>
                    ) : null}
                    {hasCapability(model, "vision") ? (
                      <span className="rounded bg-amber-100 px-1.5 text-[0.7rem] font-semibold text-amber-900 dark:bg-amber-950 dark:text-amber-200">
                        Vision
                      </span>
                    ) : null}
                  </span>
                  <span className="block text-xs font-normal text-zinc-700 dark:text-zinc-300">
                    {[contextText(model.contextLength), priceText(model)].filter(Boolean).join(" · ")}
                  </span>
                </div>
              ))
            : null}
        </div>
      </div>
      {/* Painted while the models load too (disabled), so the header keeps its height when they
          arrive: a row appearing then pushed the whole chat down (Lighthouse: CLS 0.049 on mobile). */}
      {catalog.state !== "failed" ? (
        <fieldset
          disabled={catalog.state !== "ready"}
          className="flex flex-wrap items-center gap-1.5 text-xs disabled:opacity-60"
        >
          <legend className="sr-only">Filter and sort models</legend>
          {CAPABILITIES.map((capability) => (
            <button
              key={capability}
              type="button"
              aria-pressed={required.has(capability)}
              onClick={() =>
                setRequired((prev) => {
                  const next = new Set(prev);
                  if (!next.delete(capability)) next.add(capability);
                  return next;
                })
              }
              className={`rounded-full border px-2 py-0.5 ${
                required.has(capability)
                  ? "border-sky-700 bg-sky-700 text-white"
                  : "border-zinc-300 text-zinc-800 dark:border-zinc-700 dark:text-zinc-200"
              }`}
            >
              {CAPABILITY_LABELS[capability]}
            </button>
          ))}
          <label className="flex items-center gap-1">
            <span className="sr-only">Sort models by</span>
            <select
              value={sort}
              onChange={(event) => setSort(event.target.value as ModelSort)}
              className="input py-0.5 text-xs"
            >
              {MODEL_SORTS.map((s) => (
                <option key={s} value={s}>
                  {MODEL_SORT_LABELS[s]}
                </option>
              ))}
            </select>
          </label>
        </fieldset>
      ) : null}
      {catalog.state === "ready" && catalog.defaultModelNote ? (
        <p
          role="status"
          data-testid="default-model-note"
          className="text-xs text-amber-800 dark:text-amber-300"
        >
          {catalog.defaultModelNote}
        </p>
      ) : null}
      {catalog.state === "failed" ? (
        <p role="status" className="text-sm text-red-800 dark:text-red-300">
          <span className="font-semibold">{catalog.error.title}.</span> {catalog.error.message} Using {value}.
        </p>
      ) : null}
    </div>
  );
}
