"use client";

import { type ErrorView, PROVIDER_INFO } from "@/src/lib/errors.ts";

export interface ChatErrorNoticeProps {
  view: ErrorView;
  onOpenSetup: () => void;
  onRetry: () => void;
  onPickModel: () => void;
  onDismiss: () => void;
}

/** One error from the chat, with the next step the error table recommends. */
export function ChatErrorNotice({
  view,
  onOpenSetup,
  onRetry,
  onPickModel,
  onDismiss,
}: ChatErrorNoticeProps) {
  return (
    <div role="alert" className="notice-error flex flex-wrap items-start justify-between gap-3">
      <div className="min-w-0 flex-1">
        <p className="font-semibold">{view.title}</p>
        <p className="break-words">{view.message}</p>
        {view.resetsAt ? <QuotaReset at={view.resetsAt} /> : null}
      </div>
      <div className="flex flex-wrap items-center gap-2">
        <ErrorAction view={view} onOpenSetup={onOpenSetup} onRetry={onRetry} onPickModel={onPickModel} />
        <button type="button" onClick={onDismiss} className="btn-ghost">
          Dismiss
        </button>
      </div>
    </div>
  );
}

function ErrorAction({ view, onOpenSetup, onRetry, onPickModel }: Omit<ChatErrorNoticeProps, "onDismiss">) {
  switch (view.action) {
    case "connect":
    case "fix-key":
    case "sign-in":
      return (
        <button type="button" onClick={onOpenSetup} className="btn-primary">
          Open setup
        </button>
      );
    case "top-up":
      return (
        <a
          href={PROVIDER_INFO[view.provider].topUpUrl}
          target="_blank"
          rel="noopener noreferrer"
          className="btn-primary"
        >
          {PROVIDER_INFO[view.provider].topUpLabel}
        </a>
      );
    case "retry":
      return (
        <button type="button" onClick={onRetry} className="btn-primary">
          Retry
        </button>
      );
    case "pick-model":
      return (
        <button type="button" onClick={onPickModel} className="btn-primary">
          Pick another model
        </button>
      );
    case "none":
      return null;
  }
}

/** "Your daily quota resets at 01:00 (in 3 h)." in the user's own time zone. */
function QuotaReset({ at }: { at: string }) {
  const when = new Date(at);
  if (Number.isNaN(when.getTime())) return null;
  const hours = Math.max(0, Math.round((when.getTime() - Date.now()) / 3_600_000));
  const time = when.toLocaleString(undefined, { weekday: "short", hour: "2-digit", minute: "2-digit" });
  return (
    <p data-testid="quota-reset" className="break-words">
      Your daily quota resets {time} ({hours < 1 ? "within the hour" : `in about ${hours} h`}).
    </p>
  );
}
