import "server-only";
import { extractReasoningMiddleware, type LanguageModelMiddleware } from "ai";

// Reasoning models send their thinking in one of three shapes (docs/dev/chutes-protocol.md):
// a `reasoning_content` or a `reasoning` delta, which @ai-sdk/openai-compatible already turns into
// reasoning parts, or inline `<think>…</think>` in the content (a chute without a reasoning
// parser), split anywhere across chunks. The AI SDK's own middleware takes the tags out of the
// text. What it leaves open: a `<think>` that never closes (the model ran out of tokens while
// thinking) gets its buffered thinking published, but no reasoning-end, so the UI would show the
// part streaming forever. `closeOpenReasoning` ends every reasoning part still open when the
// model's stream finishes.

type WrapStream = NonNullable<LanguageModelMiddleware["wrapStream"]>;
type StreamPart = Awaited<ReturnType<WrapStream>>["stream"] extends ReadableStream<infer P> ? P : never;

const closeOpenReasoning: LanguageModelMiddleware = {
  specificationVersion: "v4",
  wrapStream: async ({ doStream }) => {
    const { stream, ...rest } = await doStream();
    const open = new Set<string>();
    const closeAll = (controller: TransformStreamDefaultController<StreamPart>) => {
      for (const id of open) controller.enqueue({ type: "reasoning-end", id });
      open.clear();
    };
    return {
      ...rest,
      stream: stream.pipeThrough(
        new TransformStream<StreamPart, StreamPart>({
          transform(part, controller) {
            if (part.type === "finish") closeAll(controller);
            if (part.type === "reasoning-start") open.add(part.id);
            if (part.type === "reasoning-end") open.delete(part.id);
            controller.enqueue(part);
          },
          flush: closeAll,
        }),
      ),
    };
  },
};

/** Outermost first: the closer sees what the tag extractor made of the provider's stream. */
export const reasoningMiddleware: LanguageModelMiddleware[] = [
  closeOpenReasoning,
  extractReasoningMiddleware({ tagName: "think" }),
];
