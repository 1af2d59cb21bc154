"use client";

import { formatTokens } from "@/src/lib/chat/cost.ts";
import type { FileNotice, MessageSource, RetrievalInfo } from "@/src/lib/chat/messages.ts";
import { retrievalFallbackText } from "@/src/lib/chat/retrievalFallback.ts";
import { EvidenceNote } from "../ui/EvidenceNote.tsx";

function isWebUrl(source: string): boolean {
  return /^https?:\/\//i.test(source);
}

function SourceItem({ source }: { source: MessageSource }) {
  const label = (
    <>
      [{source.id}] {source.title || source.source}
      {source.headingPath ? ` — ${source.headingPath}` : ""}
    </>
  );
  return (
    <li className={source.cited ? "" : "text-zinc-600 dark:text-zinc-400"}>
      {source.cited ? <strong className="font-semibold">{label}</strong> : label}{" "}
      {source.origin === "file" ? (
        <span className="text-zinc-700 dark:text-zinc-300">from your file</span>
      ) : isWebUrl(source.source) ? (
        <a href={source.source} target="_blank" rel="noopener noreferrer nofollow" className="link break-all">
          {source.source}
        </a>
      ) : (
        <code className="break-all text-[0.8em]">{source.source}</code>
      )}
      {source.cited ? (
        <span className="ml-1.5 rounded bg-emerald-100 px-1 text-[0.7rem] font-semibold text-emerald-900 uppercase dark:bg-emerald-950 dark:text-emerald-200">
          cited
        </span>
      ) : null}
      {source.evidence ? <EvidenceNote evidence={source.evidence} /> : null}
    </li>
  );
}

/** Passages of the knowledge base and of attached files the answer was given: cited ones first and bold, the rest folded away. */
export function SourcesList({ sources }: { sources: ReadonlyArray<MessageSource> }) {
  if (sources.length === 0) return null;
  const cited = sources.filter((s) => s.cited);
  const others = sources.filter((s) => !s.cited);
  const plural = (n: number) => (n === 1 ? "source" : "sources");
  return (
    <section aria-label="Sources" className="mt-2 w-full max-w-[min(42rem,100%)] px-1 text-xs">
      <h3 className="font-semibold text-zinc-700 dark:text-zinc-300">Sources</h3>
      {cited.length > 0 ? (
        <ul className="mt-1 space-y-0.5">
          {cited.map((s) => (
            <SourceItem key={s.id} source={s} />
          ))}
        </ul>
      ) : null}
      {others.length > 0 ? (
        <details className="mt-1">
          <summary className="text-zinc-700 dark:text-zinc-300">
            {cited.length > 0
              ? `${others.length} more ${plural(others.length)}`
              : `${others.length} ${plural(others.length)}, none cited`}
          </summary>
          <ul className="mt-1 space-y-0.5">
            {others.map((s) => (
              <SourceItem key={s.id} source={s} />
            ))}
          </ul>
        </details>
      ) : null}
    </section>
  );
}

/** Says when the knowledge base was searched by text only, and why. */
export function RetrievalNote({ retrieval }: { retrieval: RetrievalInfo | undefined }) {
  if (retrieval?.mode !== "text-only") return null;
  return (
    <p className="mt-1 px-1 text-xs text-amber-800 dark:text-amber-300">
      {retrievalFallbackText(retrieval.degradedReason)}
    </p>
  );
}

/** Says which attached files were too long to read whole, and how much of each the answer read. */
export function FileNotes({ notices }: { notices: ReadonlyArray<FileNotice> | undefined }) {
  if (!notices?.length) return null;
  return (
    <>
      {notices.map((n) => (
        <p key={n.filename} className="mt-1 px-1 text-xs text-amber-800 dark:text-amber-300">
          {n.filename} is too long to read whole: this answer read its first {formatTokens(n.readTokens)} of
          about {formatTokens(n.totalTokens)}. To ask about a later part, attach that part as its own file.
        </p>
      ))}
    </>
  );
}
