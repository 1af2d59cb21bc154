import { z } from "zod";

// Provider error bodies come in two shapes (docs/dev/chutes-protocol.md §5): FastAPI's
// `{"detail": string | {message} | [{msg}]}` from Chutes, and OpenAI's `{"error": {message}}` (or a
// bare string) from the gateway's proxies and OpenRouter. An HTML page from a proxy has no detail.

const detailSchema = z.union([
  z.string(),
  z.looseObject({ message: z.string() }).transform((d) => d.message),
  z
    .array(z.looseObject({ msg: z.string() }))
    .min(1)
    .transform((list) => list.map((d) => d.msg).join("; ")),
]);

const errorBodySchema = z.union([
  z.looseObject({ detail: detailSchema }).transform((b) => b.detail),
  z
    .looseObject({
      error: z.union([z.string(), z.looseObject({ message: z.string() }).transform((e) => e.message)]),
    })
    .transform((b) => b.error),
]);

/** The provider's own words about a failure, if its body says any. */
export function upstreamDetail(body: string | undefined): string | undefined {
  if (!body) return undefined;
  try {
    const parsed = errorBodySchema.safeParse(JSON.parse(body));
    return parsed.success && parsed.data.trim() ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * For the operator's eyes (ingest): the provider's words, or a short plain-text body (a proxy's
 * "upstream connect error"), on one line; "" for none or an HTML page.
 */
export function upstreamText(body: string): string {
  const text = upstreamDetail(body) ?? (/^\s*</.test(body) ? "" : body);
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > 300 ? `${line.slice(0, 297)}...` : line;
}
