import "server-only";
import type { z } from "zod";
import { errorResponse } from "../errors.ts";

// Routes that spend the user's Chutes credit accept only same-origin JSON: a cross-site form or
// fetch cannot make a signed-in browser pay for someone else's prompt.

export function rejectCrossOrigin(request: Request): Response | null {
  if (request.headers.get("sec-fetch-site") === "cross-site") return errorResponse("cross_origin");
  const origin = request.headers.get("origin");
  if (!origin) return null; // not a browser request: no ambient credentials to abuse
  const host = request.headers.get("x-forwarded-host") ?? request.headers.get("host");
  try {
    if (host && new URL(origin).host === host) return null;
  } catch {
    // a malformed Origin is refused below
  }
  return errorResponse("cross_origin");
}

export async function readJsonBody<T extends z.ZodType>(
  request: Request,
  schema: T,
): Promise<{ ok: true; data: z.infer<T> } | { ok: false; response: Response }> {
  if (!request.headers.get("content-type")?.toLowerCase().includes("application/json")) {
    return {
      ok: false,
      response: errorResponse("invalid_request", "Send the request as application/json.", { status: 415 }),
    };
  }
  let raw: unknown;
  try {
    raw = await request.json();
  } catch {
    return { ok: false, response: errorResponse("invalid_request", "The request body is not valid JSON.") };
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? `${issue.path.join(".")}: ` : "";
    return {
      ok: false,
      response: errorResponse("invalid_request", `${where}${issue?.message ?? "invalid body"}`),
    };
  }
  return { ok: true, data: parsed.data };
}
