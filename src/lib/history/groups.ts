import type { ConversationSummary } from "./schema.ts";

export const DATE_GROUPS = ["Today", "Yesterday", "Previous 7 days", "Previous 30 days", "Older"] as const;
export type DateGroup = (typeof DATE_GROUPS)[number];

const DAY_MS = 24 * 60 * 60 * 1000;

function startOfDay(time: number): number {
  const date = new Date(time);
  date.setHours(0, 0, 0, 0);
  return date.getTime();
}

/** Calendar days in the browser's time zone, so "Yesterday" means what the user expects. */
export function dateGroupOf(updatedAt: number, now: number): DateGroup {
  const today = startOfDay(now);
  const day = startOfDay(updatedAt);
  if (day >= today) return "Today";
  // Rounded: a day across a daylight-saving change is 23 or 25 hours long.
  const daysAgo = Math.round((today - day) / DAY_MS);
  if (daysAgo === 1) return "Yesterday";
  if (daysAgo <= 7) return "Previous 7 days";
  if (daysAgo <= 30) return "Previous 30 days";
  return "Older";
}

export interface ConversationGroup<T> {
  label: DateGroup;
  conversations: T[];
}

/** Newest first, in the fixed group order; empty groups are left out. */
export function groupByDate<T extends Pick<ConversationSummary, "updatedAt">>(
  conversations: ReadonlyArray<T>,
  now: number,
): ConversationGroup<T>[] {
  const sorted = [...conversations].sort((a, b) => b.updatedAt - a.updatedAt);
  const groups = new Map<DateGroup, T[]>();
  for (const conversation of sorted) {
    const label = dateGroupOf(conversation.updatedAt, now);
    const list = groups.get(label) ?? [];
    list.push(conversation);
    groups.set(label, list);
  }
  return DATE_GROUPS.flatMap((label) => {
    const list = groups.get(label);
    return list ? [{ label, conversations: list }] : [];
  });
}
