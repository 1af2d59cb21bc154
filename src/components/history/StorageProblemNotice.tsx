"use client";

import type { StorageProblem } from "@/src/lib/history/store.ts";

const TEXT: Record<StorageProblem, { title: string; message: string }> = {
  unavailable: {
    title: "Conversations cannot be saved in this browser",
    message:
      "Its storage (IndexedDB) is blocked or unavailable, for example in a private window. Chatting works, but this conversation is lost when the page closes.",
  },
  quota: {
    title: "Browser storage is full",
    message:
      "New messages are kept in memory only until the page closes. Delete or export old conversations to free space.",
  },
  failed: {
    title: "A conversation could not be saved",
    message: "The browser refused to store it. Chatting works; export what you want to keep.",
  },
};

export function StorageProblemNotice({
  problem,
  onDismiss,
}: {
  problem: StorageProblem;
  onDismiss: () => void;
}) {
  const { title, message } = TEXT[problem];
  return (
    <div className="mx-auto w-full max-w-3xl px-4 pt-3">
      <div role="alert" className="notice-error flex items-start justify-between gap-3">
        <div>
          <p className="font-semibold">{title}</p>
          <p>{message}</p>
        </div>
        <button type="button" onClick={onDismiss} className="btn-ghost">
          Dismiss
        </button>
      </div>
    </div>
  );
}
