import "server-only";
import type { NextRequest } from "next/server";
import { encode, getToken } from "next-auth/jwt";
import type { AppConfig } from "../config.ts";
import type { ChutesJwt } from "./oauthSession.ts";

// next-auth v4 cannot write its cookie from an App Router route handler, but a refresh there
// rotates the refresh token: the route must hand the new cookie back itself or the session dies
// on the next refresh. Same name, encryption and attributes as next-auth's own cookie.

const SESSION_MAX_AGE_S = 30 * 24 * 60 * 60;

type CookieSettings = Pick<AppConfig, "NEXTAUTH_URL" | "NEXTAUTH_SECRET">;

function cookieName(settings: CookieSettings): { name: string; secure: boolean } {
  const secure = settings.NEXTAUTH_URL?.startsWith("https://") ?? false;
  return { name: secure ? "__Secure-next-auth.session-token" : "next-auth.session-token", secure };
}

export async function readSessionJwt(
  request: NextRequest,
  settings: CookieSettings,
): Promise<ChutesJwt | null> {
  if (!settings.NEXTAUTH_SECRET) return null;
  const { name, secure } = cookieName(settings);
  // Only the cookie counts: getToken would also accept an Authorization header, which is not ours.
  if (!request.cookies.has(name)) return null;
  return (await getToken({
    req: request,
    secret: settings.NEXTAUTH_SECRET,
    cookieName: name,
    secureCookie: secure,
  })) as ChutesJwt | null;
}

export async function sessionSetCookie(jwt: ChutesJwt, settings: CookieSettings): Promise<string | null> {
  if (!settings.NEXTAUTH_SECRET) return null;
  const { name, secure } = cookieName(settings);
  const value = await encode({ token: jwt, secret: settings.NEXTAUTH_SECRET, maxAge: SESSION_MAX_AGE_S });
  return `${name}=${value}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${SESSION_MAX_AGE_S}${secure ? "; Secure" : ""}`;
}
