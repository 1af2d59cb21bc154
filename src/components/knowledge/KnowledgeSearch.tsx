"use client";

import { type FormEvent, useId, useState } from "react";
import { fetchApi } from "@/src/lib/api/fetchApi.ts";
import {
  RAG_SEARCH_ROUTE,
  type RagSearchResponse,
  ragSearchResponseSchema,
} from "@/src/lib/api/ragSearch.ts";
import { retrievalFallbackText } from "@/src/lib/chat/retrievalFallback.ts";
import { type ErrorView, toErrorView } from "@/src/lib/errors.ts";
import { EvidenceNote } from "../ui/EvidenceNote.tsx";

type Phase =
  | { kind: "idle" }
  | { kind: "searching" }
  | { kind: "done"; response: RagSearchResponse }
  | { kind: "failed"; error: ErrorView };

/**
 * "Search the knowledge base": the passages the assistant would be given for a query, in rank
 * order. The query's embedding is billed to the same credential as a chat message.
 */
export function KnowledgeSearch({ requestHeaders }: { requestHeaders: () => Record<string, string> }) {
  const inputId = useId();
  const [query, setQuery] = useState("");
  const [phase, setPhase] = useState<Phase>({ kind: "idle" });
  const searching = phase.kind === "searching";

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (searching || !query.trim()) return;
    setPhase({ kind: "searching" });
    const result = await fetchApi(RAG_SEARCH_ROUTE, ragSearchResponseSchema, {
      headers: requestHeaders(),
      json: { query, k: 8 },
    });
    setPhase(
      result.ok
        ? { kind: "done", response: result.data }
        : { kind: "failed", error: toErrorView(result.error) },
    );
  }

  const degraded =
    phase.kind === "done" && phase.response.retrieval.mode === "text-only"
      ? retrievalFallbackText(phase.response.retrieval.degradedReason)
      : null;
  return (
    <div className="space-y-3">
      <search>
        <form onSubmit={submit} className="flex gap-2">
          <label htmlFor={inputId} className="sr-only">
            Search the knowledge base
          </label>
          <input
            id={inputId}
            type="search"
            value={query}
            onChange={(event) => setQuery(event.target.value)}
            placeholder="Search the knowledge base"
            className="input min-w-0 flex-1 text-sm"
          />
          <button
            type="submit"
            disabled={searching || !query.trim()}
            aria-busy={searching}
            className="btn-secondary shrink-0"
          >
            {searching ? "Searching…" : "Search"}
          </button>
        </form>
      </search>
      {phase.kind === "failed" ? (
        <div role="alert" className="notice-error">
          <p className="font-semibold">{phase.error.title}</p>
          <p>{phase.error.message}</p>
        </div>
      ) : null}
      {phase.kind === "done" ? (
        <div aria-live="polite">
          {degraded ? <p className="mb-2 text-xs text-zinc-700 dark:text-zinc-300">{degraded}.</p> : null}
          {phase.response.results.length === 0 ? (
            <p className="text-sm text-zinc-700 dark:text-zinc-300">Nothing in the knowledge base matches.</p>
          ) : (
            <ol aria-label="Knowledge base results" className="space-y-2">
              {phase.response.results.map((r) => (
                <li
                  key={r.rank}
                  className="rounded-lg border border-zinc-200 p-2 text-sm dark:border-zinc-800"
                >
                  <p className="font-semibold">
                    {r.rank}. {r.title}
                    {r.headingPath ? ` — ${r.headingPath}` : ""}
                  </p>
                  <p>
                    <code className="break-all text-xs">{r.source}</code>
                  </p>
                  <p className="mt-1 line-clamp-3 text-zinc-700 dark:text-zinc-300">{r.text}</p>
                  <EvidenceNote evidence={r.evidence} />
                </li>
              ))}
            </ol>
          )}
        </div>
      ) : null}
    </div>
  );
}
