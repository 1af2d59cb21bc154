import type { NextRequest } from "next/server";
import { getConfig } from "@/src/lib/config.ts";
import { errorResponse } from "@/src/lib/errors.ts";
import { isOperatorToken } from "@/src/lib/ingestHandoff/handoffFile.ts";
import { handoffRequestSchema } from "@/src/lib/ingestHandoff/protocol.ts";
import { ingestInApp, isIngestRunning } from "@/src/lib/ingestHandoff/runInApp.ts";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const LOOPBACK_HOST = /^(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/;
const LOOPBACK_ADDRESS = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/;

/** Operator only: `npm run ingest` on this machine hands its work to the running app (NDJSON progress). */
export async function POST(request: NextRequest): Promise<Response> {
  // Anyone else sees no such route: not from loopback (Host, and the peer Next records), or no token.
  const peer = request.headers.get("x-forwarded-for")?.split(",").at(-1)?.trim();
  const fromLoopback =
    LOOPBACK_HOST.test(request.headers.get("host") ?? "") && (!peer || LOOPBACK_ADDRESS.test(peer));
  const token = request.headers.get("authorization")?.replace(/^Bearer /, "") ?? null;
  if (!fromLoopback || !isOperatorToken(token)) return errorResponse("not_found");

  let body: unknown;
  try {
    body = await request.json();
  } catch {
    return errorResponse("invalid_request", "The request body is not valid JSON.");
  }
  const parsed = handoffRequestSchema.safeParse(body);
  if (!parsed.success) return errorResponse("invalid_request", parsed.error.issues[0]?.message);
  if (isIngestRunning())
    return errorResponse("invalid_request", "An ingest is already running in the app.", { status: 409 });
  return new Response(ingestInApp(parsed.data, getConfig()), {
    headers: { "content-type": "application/x-ndjson", "cache-control": "no-store" },
  });
}
