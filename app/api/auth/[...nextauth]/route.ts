import type { NextRequest } from "next/server";
import NextAuth from "next-auth";
import { buildAuthOptions } from "@/src/lib/auth/authOptions.ts";
import { getConfig } from "@/src/lib/config.ts";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

type Context = { params: Promise<{ nextauth: string[] }> };

// Options are built per request from the validated configuration, never at import (build) time.
async function handler(request: NextRequest, context: Context): Promise<Response> {
  return await NextAuth(request, context, buildAuthOptions(getConfig()));
}

export { handler as GET, handler as POST };
