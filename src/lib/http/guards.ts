import "server-only";
import type { z } from "zod";
import { errorResponse } from "../errors.ts";
import { formatBytes } from "./formatBytes.ts";

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

export type BodyResult<T> = { ok: true; data: T } | { ok: false; response: Response };

/**
 * The request's JSON body, checked against the route's schema. The size is capped while reading,
 * so a huge or endless body is refused with 413 after `maxBytes`, never buffered whole.
 */
export async function readJsonBody<T extends z.ZodType>(
  request: Request,
  schema: T,
  maxBytes: number,
): Promise<BodyResult<z.infer<T>>> {
  if (!request.headers.get("content-type")?.toLowerCase().includes("application/json")) {
    return {
      ok: false,
      response: errorResponse("invalid_request", "Send the request as application/json.", { status: 415 }),
    };
  }
  const declared = Number(request.headers.get("content-length") ?? Number.NaN);
  if (declared > maxBytes) return { ok: false, response: tooLarge(maxBytes) };
  const text = await readCapped(request, maxBytes);
  if (text === null) return { ok: false, response: tooLarge(maxBytes) };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
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

function tooLarge(maxBytes: number): Response {
  return errorResponse("payload_too_large", `This request may be at most ${formatBytes(maxBytes)}.`);
}

/** The body as text, or null once it exceeds `maxBytes` (the rest is not read). */
async function readCapped(request: Request, maxBytes: number): Promise<string | null> {
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel().catch(() => undefined);
        return null;
      }
      chunks.push(value);
    }
  } catch {
    // The client went away mid-body: nothing to answer, but nothing to crash on either.
    return null;
  }
  return new TextDecoder().decode(Buffer.concat(chunks));
}
