"use client";

import { createContext, Profiler, type ReactNode, use } from "react";

/**
 * Tests put a callback here to count how often each message row renders (a React Profiler per
 * row). Without a callback the rows render as they are, with no Profiler in the tree.
 */
export const RenderProbeContext = createContext<((rowId: string) => void) | null>(null);

export function RowProbe({ id, children }: { id: string; children: ReactNode }) {
  const probe = use(RenderProbeContext);
  if (!probe) return children;
  return (
    <Profiler id={id} onRender={(rowId) => probe(rowId)}>
      {children}
    </Profiler>
  );
}
