"use client";

import { useId, useRef, useState } from "react";
import { describeMerge, type MergePlan, parseImport } from "@/src/lib/history/exportFormat.ts";
import type { Conversation } from "@/src/lib/history/schema.ts";
import { exportAll } from "../history/exportActions.ts";
import { PRIVACY_NOTE } from "../history/HistorySidebar.tsx";
import { SettingsSection } from "./SettingsPanel.tsx";

export interface DataSectionProps {
  conversations: ReadonlyArray<Conversation>;
  /** Writes the conversations (merged by id); rejects when storage refused them. */
  onImport: (conversations: Conversation[]) => Promise<MergePlan>;
  onDeleteAll: () => Promise<void>;
}

type Feedback = { kind: "ok" | "error"; text: string } | null;

/** Export, import, and deleting everything this app keeps in the browser. */
export function DataSection({ conversations, onImport, onDeleteAll }: DataSectionProps) {
  const fileId = useId();
  const fileRef = useRef<HTMLInputElement>(null);
  const [feedback, setFeedback] = useState<Feedback>(null);
  const [confirming, setConfirming] = useState(false);
  const [deleting, setDeleting] = useState(false);

  async function importFile(file: File) {
    const parsed = parseImport(await file.text());
    if (!parsed.ok) {
      setFeedback({ kind: "error", text: parsed.message });
      return;
    }
    try {
      setFeedback({ kind: "ok", text: describeMerge(await onImport(parsed.conversations)) });
    } catch {
      setFeedback({
        kind: "error",
        text: "This browser refused to store the imported conversations (storage full or blocked). Nothing was imported.",
      });
    }
  }

  return (
    <SettingsSection title="Conversations and local data">
      <p className="text-sm text-zinc-700 dark:text-zinc-300">
        {PRIVACY_NOTE} This server never keeps them. Export them to keep a copy or move them to another
        browser.
      </p>
      <div className="flex flex-wrap gap-2">
        <button
          type="button"
          disabled={conversations.length === 0}
          onClick={() => exportAll(conversations, "json")}
          className="btn-secondary"
        >
          Export all as JSON
        </button>
        <button
          type="button"
          disabled={conversations.length === 0}
          onClick={() => exportAll(conversations, "md")}
          className="btn-secondary"
        >
          Export all as Markdown
        </button>
        <button type="button" onClick={() => fileRef.current?.click()} className="btn-secondary">
          Import JSON
        </button>
        <label htmlFor={fileId} className="sr-only">
          Import conversations from a JSON export
        </label>
        <input
          id={fileId}
          ref={fileRef}
          type="file"
          accept="application/json,.json"
          tabIndex={-1}
          className="sr-only"
          onChange={(event) => {
            const file = event.target.files?.[0];
            event.target.value = "";
            if (file) void importFile(file);
          }}
        />
      </div>
      <p className="text-xs text-zinc-700 dark:text-zinc-300">
        Importing merges by conversation: new ones are added, and one you already have is replaced only by a
        newer copy.
      </p>
      {feedback ? (
        <p
          role={feedback.kind === "error" ? "alert" : "status"}
          className={feedback.kind === "error" ? "notice-error" : "notice-success"}
        >
          {feedback.text}
        </p>
      ) : null}

      <div className="rounded-lg border border-red-300 p-3 dark:border-red-800">
        {confirming ? (
          <div className="space-y-3">
            <p className="text-sm">
              Delete every conversation, your saved API key, the model choice and the theme from this browser?
              This cannot be undone. Export first if you want a copy.
            </p>
            <div className="flex flex-wrap gap-2">
              <button
                type="button"
                disabled={deleting}
                onClick={() => {
                  setDeleting(true);
                  void onDeleteAll().finally(() => {
                    setDeleting(false);
                    setConfirming(false);
                  });
                }}
                className="btn-danger"
              >
                {deleting ? "Deleting…" : "Yes, delete everything"}
              </button>
              <button type="button" onClick={() => setConfirming(false)} className="btn-secondary">
                Cancel
              </button>
            </div>
          </div>
        ) : (
          <button type="button" onClick={() => setConfirming(true)} className="btn-danger">
            Delete all local data
          </button>
        )}
      </div>
    </SettingsSection>
  );
}
