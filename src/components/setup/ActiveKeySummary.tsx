"use client";

export interface ActiveKeySummaryProps {
  maskedKey: string;
  onRemove: () => void;
}

/** The saved key, masked; its account and balance are listed once, in Settings → Connection. */
export function ActiveKeySummary({ maskedKey, onRemove }: ActiveKeySummaryProps) {
  return (
    <div className="flex flex-wrap items-center justify-between gap-3 rounded-lg bg-zinc-100 p-3 dark:bg-zinc-900">
      <p className="min-w-0 text-sm">
        Active key: <code className="font-mono">{maskedKey}</code>
      </p>
      <button type="button" onClick={onRemove} className="btn-danger shrink-0">
        Remove key
      </button>
    </div>
  );
}
