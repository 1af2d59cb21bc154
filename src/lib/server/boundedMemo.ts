import "server-only";

// A per-process memo that cannot grow without bound: its keys come from requests (model ids,
// attached files), so at most `max` values are kept, the least recently used dropped first.

export function boundedMemo<V>(max: number): (key: string, make: () => V) => V {
  const values = new Map<string, V>();
  return (key, make) => {
    const known = values.get(key);
    if (known !== undefined) {
      // A hit moves to the end of the eviction order.
      values.delete(key);
      values.set(key, known);
      return known;
    }
    const made = make();
    if (values.size >= max) values.delete(values.keys().next().value ?? "");
    values.set(key, made);
    return made;
  };
}
