"use client";

import { useEffect, useState } from "react";
import { fetchApi } from "@/src/lib/api/fetchApi.ts";
import {
  type KnowledgeBaseStatus,
  knowledgeBaseStatusSchema,
  RAG_STATUS_ROUTE,
} from "@/src/lib/api/ragStatus.ts";

export type { KnowledgeBaseStatus };

export type KnowledgeBaseState =
  | { state: "loading" }
  | { state: "ready"; status: KnowledgeBaseStatus }
  | { state: "unavailable" };

/** What the server's knowledge base holds; "unavailable" when it cannot be read or reached. */
export function useKnowledgeBaseStatus(): KnowledgeBaseState {
  const [result, setResult] = useState<KnowledgeBaseState>({ state: "loading" });
  useEffect(() => {
    const controller = new AbortController();
    fetchApi(RAG_STATUS_ROUTE, knowledgeBaseStatusSchema, { signal: controller.signal })
      .then((response) => {
        setResult(
          response.ok && response.data.available
            ? { state: "ready", status: response.data }
            : { state: "unavailable" },
        );
      })
      .catch(() => undefined); // aborted on unmount
    return () => controller.abort();
  }, []);
  return result;
}
