import type { UIMessageChunk } from "ai";

/**
 * Holds the answer's finish chunk until the balance has been read (bounded by the reader's own
 * timeout), and sends it just before as message metadata: Chutes has billed the answer by then,
 * so the number the user sees stays true. A failed read sends nothing.
 */
export function balanceBeforeFinish(
  readBalance: () => Promise<number | null>,
): TransformStream<UIMessageChunk, UIMessageChunk> {
  return new TransformStream<UIMessageChunk, UIMessageChunk>({
    async transform(chunk, controller) {
      if (chunk.type === "finish") {
        const balance = await readBalance().catch(() => null);
        if (balance !== null) controller.enqueue({ type: "message-metadata", messageMetadata: { balance } });
      }
      controller.enqueue(chunk);
    },
  });
}
