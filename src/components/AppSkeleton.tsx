/** Neutral placeholder while the session is read, so neither screen flashes. */
export function AppSkeleton() {
  return (
    <div aria-busy="true" className="flex h-dvh flex-col">
      <p className="sr-only">Loading…</p>
      <div className="border-b border-zinc-200 dark:border-zinc-800">
        <div className="mx-auto flex max-w-5xl items-center gap-4 px-4 py-3">
          <div className="h-6 w-28 animate-pulse rounded bg-zinc-200 dark:bg-zinc-800" />
          <div className="h-8 flex-1 animate-pulse rounded bg-zinc-100 dark:bg-zinc-900" />
        </div>
      </div>
      <div className="flex-1" />
      <div className="mx-auto w-full max-w-3xl px-4 pb-4">
        <div className="h-16 animate-pulse rounded-xl bg-zinc-100 dark:bg-zinc-900" />
      </div>
    </div>
  );
}
