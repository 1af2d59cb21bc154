import type { KnowledgeBaseStatus } from "@/src/lib/api/ragStatus.ts";
import { knowledgeBaseStatus } from "@/src/lib/chat/knowledge.ts";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** Documents, chunks, embedding model and last ingest time, for the settings panel. */
export async function GET(): Promise<Response> {
  const status: KnowledgeBaseStatus = await knowledgeBaseStatus();
  return Response.json(status, { headers: { "cache-control": "no-store" } });
}
