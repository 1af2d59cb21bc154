import type { NextRequest } from "next/server";
import NextAuth from "next-auth";
import { buildAuthOptions } from "@/src/lib/auth/authOptions.ts";
import { explainSignInFailure, type SignInFailure } from "@/src/lib/auth/signInFailure.ts";
import { getConfig } from "@/src/lib/config.ts";
import { errorResponse } from "@/src/lib/errors.ts";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

type Context = { params: Promise<{ nextauth: string[] }> };

// Options are built per request from the validated configuration, never at import (build) time.
// A refused callback is sent to the setup screen with its cause instead of next-auth's generic code.
async function handler(request: NextRequest, context: Context): Promise<Response> {
  if (!(await hasParsableBody(request)))
    return errorResponse("invalid_request", "The request body is not valid JSON.");
  let failure: SignInFailure | null = null;
  const options = buildAuthOptions(getConfig(), { onSignInFailure: (named) => (failure = named) });
  return asTableError(explainSignInFailure(await NextAuth(request, context, options), failure));
}

// next-auth answers some refusals (e.g. a session update without its CSRF token) in plain text,
// sometimes literally "[object Object]"; API errors here are always the error table's JSON.
function asTableError(response: Response): Response {
  if (response.status < 400 || response.headers.get("content-type")?.includes("application/json"))
    return response;
  return errorResponse("invalid_request", "The sign-in service refused this request.", {
    status: response.status,
  });
}

// next-auth parses a JSON body without a catch, so a broken one would end as a 500.
async function hasParsableBody(request: NextRequest): Promise<boolean> {
  if (request.method !== "POST" || !request.headers.get("content-type")?.includes("application/json"))
    return true;
  try {
    JSON.parse(await request.clone().text());
    return true;
  } catch {
    return false;
  }
}

export { handler as GET, handler as POST };
