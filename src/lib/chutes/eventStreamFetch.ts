import "server-only";

/**
 * A fetch whose successful `text/event-stream` answers have their body passed through a stage
 * (a new one per response); any other answer comes back as it was.
 */
export function withEventStreamStage(
  fetchImpl: typeof fetch,
  stage: () => TransformStream<Uint8Array, Uint8Array>,
): typeof fetch {
  return async (input, init) => {
    const response = await fetchImpl(input, init);
    const isStream = response.headers.get("content-type")?.includes("text/event-stream");
    if (!response.ok || !response.body || !isStream) return response;
    return new Response(response.body.pipeThrough(stage()), {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  };
}
