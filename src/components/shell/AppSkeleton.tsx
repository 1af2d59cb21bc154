/** Neutral placeholder while the session is read, so neither screen flashes. */
export function AppSkeleton() {
  return (
    <div aria-busy="true" className="flex h-dvh">
      <p className="sr-only">Loading…</p>
      <div className="hidden w-72 shrink-0 border-r border-zinc-200 bg-zinc-50 md:block dark:border-zinc-800 dark:bg-zinc-950" />
      <div className="flex min-w-0 flex-1 flex-col">
        <div className="border-b border-zinc-200 dark:border-zinc-800">
          <div className="flex items-center gap-4 px-4 py-3">
            <div className="h-6 w-28 animate-pulse rounded bg-zinc-200 dark:bg-zinc-800" />
            <div className="h-8 flex-1 animate-pulse rounded bg-zinc-100 dark:bg-zinc-900" />
          </div>
        </div>
        <div className="flex-1" />
        <div className="mx-auto w-full max-w-3xl px-4 pb-4">
          <div className="h-16 animate-pulse rounded-xl bg-zinc-100 dark:bg-zinc-900" />
        </div>
      </div>
    </div>
  );
}
