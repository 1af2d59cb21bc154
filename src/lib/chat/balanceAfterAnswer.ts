import type { UIMessageChunk } from "ai";

/**
 * The balance as message metadata, for respondOnFirstChunk's `beforeFinish`: the answer's finish
 * chunk waits for the balance read (bounded by the reader's own timeout), and this goes out just
 * before it. Chutes has billed the answer by then, so the number the user sees stays true. A
 * failed read sends nothing.
 */
export function balanceBeforeFinish(
  readBalance: () => Promise<number | null>,
): () => Promise<UIMessageChunk | undefined> {
  return async () => {
    const balance = await readBalance().catch(() => null);
    return balance === null ? undefined : { type: "message-metadata", messageMetadata: { balance } };
  };
}
