"use client";

import { type Ref, useId } from "react";
import type { ModelCatalog, ModelInfo } from "./useModelCatalog.ts";

export interface ModelPickerProps {
  catalog: ModelCatalog;
  /** null while the list is loading. */
  value: string | null;
  onChange: (id: string) => void;
  selectRef?: Ref<HTMLSelectElement>;
}

function formatPrice(usd: number | null): string {
  if (usd === null) return "?";
  return `$${usd < 0.01 && usd > 0 ? usd.toPrecision(2) : usd.toFixed(2)}`;
}

export function modelOptionLabel(model: ModelInfo): string {
  const { input, output } = model.pricing;
  const price =
    input === null && output === null
      ? "price unknown"
      : `${formatPrice(input)} in / ${formatPrice(output)} out per 1M tokens`;
  return `${model.id} · ${price}${model.confidential ? " · TEE" : ""}`;
}

/** Chutes models with their price; confidential (TEE) models are marked. */
export function ModelPicker({ catalog, value, onChange, selectRef }: ModelPickerProps) {
  const id = useId();
  const models = catalog.state === "ready" ? catalog.models : [];
  // The current value must always be an option, even when the list failed to load.
  const showValueAlone = value !== null && !models.some((m) => m.id === value);

  return (
    <div className="flex min-w-0 flex-col gap-1 sm:flex-row sm:items-center sm:gap-2">
      <label htmlFor={id} className="text-sm font-medium">
        Model
      </label>
      <select
        id={id}
        ref={selectRef}
        value={value ?? ""}
        onChange={(event) => onChange(event.target.value)}
        disabled={catalog.state === "loading"}
        aria-busy={catalog.state === "loading"}
        className="input min-w-0 max-w-full truncate py-1.5 text-sm sm:max-w-md"
      >
        {catalog.state === "loading" ? <option value="">Loading models…</option> : null}
        {showValueAlone ? <option value={value}>{value}</option> : null}
        {models.map((model) => (
          <option key={model.id} value={model.id}>
            {modelOptionLabel(model)}
          </option>
        ))}
      </select>
      {catalog.state === "failed" ? (
        <p role="status" className="text-sm text-red-800 dark:text-red-300">
          <span className="font-semibold">{catalog.error.title}.</span> {catalog.error.message} Using {value}.
        </p>
      ) : null}
    </div>
  );
}
