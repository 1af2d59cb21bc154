"use client";

import { formatCount } from "@/src/lib/formatCount.ts";
import { KnowledgeSearch } from "../knowledge/KnowledgeSearch.tsx";
import { SettingsSection } from "./SettingsPanel.tsx";
import { useKnowledgeBaseStatus } from "./useKnowledgeBaseStatus.ts";

function formatWhen(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return "never";
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? String(value) : date.toLocaleString();
}

export function KnowledgeBaseSection({ requestHeaders }: { requestHeaders: () => Record<string, string> }) {
  const kb = useKnowledgeBaseStatus();
  return (
    <SettingsSection title="Knowledge base">
      {kb.state === "loading" ? (
        <p className="text-sm text-zinc-700 dark:text-zinc-300">Checking the knowledge base…</p>
      ) : kb.state === "unavailable" ? (
        <p className="text-sm text-zinc-700 dark:text-zinc-300">Knowledge base status unavailable</p>
      ) : (
        <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 text-sm">
          <dt className="text-zinc-700 dark:text-zinc-300">Documents</dt>
          <dd>{formatCount(kb.status.documents)}</dd>
          <dt className="text-zinc-700 dark:text-zinc-300">Chunks</dt>
          <dd>{formatCount(kb.status.chunks)}</dd>
          <dt className="text-zinc-700 dark:text-zinc-300">Embedding model</dt>
          <dd className="break-all">{kb.status.embeddingModel ?? "none"}</dd>
          <dt className="text-zinc-700 dark:text-zinc-300">Last ingest</dt>
          <dd>{formatWhen(kb.status.lastIngestAt)}</dd>
        </dl>
      )}
      <KnowledgeSearch requestHeaders={requestHeaders} />
    </SettingsSection>
  );
}
