import type { NextRequest } from "next/server";
import { KnowledgeBaseMismatch, searchKnowledge } from "@/src/lib/chat/knowledge.ts";
import { getConfig } from "@/src/lib/config.ts";
import { resolveCredential } from "@/src/lib/credentials.ts";
import { appErrorResponse, errorResponse } from "@/src/lib/errors.ts";
import { readJsonBody, rejectCrossOrigin } from "@/src/lib/http/guards.ts";
import { ragSearchRequestSchema } from "./schema.ts";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** Ranked chunks for a query; the query embedding is billed to the same credential as chat. */
export async function POST(request: NextRequest): Promise<Response> {
  const refused = rejectCrossOrigin(request);
  if (refused) return refused;
  const body = await readJsonBody(request, ragSearchRequestSchema);
  if (!body.ok) return body.response;
  const config = getConfig();
  const resolved = await resolveCredential(request, config);
  const headers: Record<string, string> = resolved.setCookie ? { "set-cookie": resolved.setCookie } : {};
  if (!resolved.ok) return appErrorResponse(resolved.error, { headers });
  try {
    const result = await searchKnowledge(body.data.query, resolved.credential, body.data.k, request.signal);
    return Response.json(result, { headers: { "cache-control": "no-store", ...headers } });
  } catch (error) {
    if (error instanceof KnowledgeBaseMismatch)
      return errorResponse("knowledge_base_mismatch", undefined, { headers });
    throw error;
  }
}
