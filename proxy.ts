import { type NextRequest, NextResponse } from "next/server";

// next-auth v4 turns every IdP error on the callback (a denied consent included) into a generic
// "OAuthCallback". Catch the IdP's own error first so the setup screen can say what happened.
export function proxy(request: NextRequest): NextResponse {
  const error = request.nextUrl.searchParams.get("error");
  if (!error) return NextResponse.next();
  const target = new URL("/", request.nextUrl.origin);
  target.searchParams.set("authError", /^[a-z_]{1,40}$/.test(error) ? error : "oauth_error");
  return NextResponse.redirect(target);
}

export const config = { matcher: "/api/auth/callback/:provider*" };
