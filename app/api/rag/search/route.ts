import { RAG_SEARCH_MAX_BODY_BYTES, ragSearchRequestSchema } from "@/src/lib/api/ragSearch.ts";
import { searchKnowledge } from "@/src/lib/chat/knowledge.ts";
import { credentialRoute } from "@/src/lib/http/credentialRoute.ts";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** Ranked chunks for a query; the query embedding is billed to the same credential as chat. */
export const POST = credentialRoute(
  {
    name: "rag-search",
    rateLimit: "api",
    body: ragSearchRequestSchema,
    maxBodyBytes: RAG_SEARCH_MAX_BODY_BYTES,
  },
  async (ctx) => {
    const result = await searchKnowledge(ctx.body.query, ctx.credential, {
      k: ctx.body.k,
      signal: ctx.request.signal,
      fetch: ctx.fetch,
    });
    return Response.json(result, { headers: { "cache-control": "no-store" } });
  },
);
