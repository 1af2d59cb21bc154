// The conversation sent to the model must fit a token budget: the newest turns are kept, the
// oldest dropped first, and the latest user message is always kept. Pure, so it is cheap to test.

export interface Turn {
  role: string;
}

/**
 * `tokensOf` is told the room left: a count past it only has to say so (any number above it), which
 * spares counting a long old message whole every turn only to drop it.
 */
export function fitHistory<T extends Turn>(
  messages: readonly T[],
  maxTokens: number,
  tokensOf: (m: T, room: number) => number,
): T[] {
  const kept: T[] = [];
  let used = 0;
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i] as T;
    const cost = tokensOf(message, maxTokens - used);
    if (kept.length > 0 && used + cost > maxTokens) break;
    kept.unshift(message);
    used += cost;
  }
  // A history that starts with an answer reads as if the model spoke first; start at a question.
  while (kept.length > 1 && kept[0]?.role === "assistant") kept.shift();
  return kept;
}
