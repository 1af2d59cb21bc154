import { encode } from "next-auth/jwt";
import type { ChutesJwt } from "@/src/lib/auth/oauthSession.ts";
import { signIn } from "@/tests/emulator/testkit.ts";

// A "Sign in with Chutes" session as the browser would hold it after the real PKCE flow against
// the emulator's IDP: next-auth's encrypted cookie around tokens the IDP issued.

export const SESSION_SECRET = "route-tests-only-secret-0123456789abcdef";

export async function signedInSession(
  emulatorUrl: string,
  secret = SESSION_SECRET,
): Promise<{ cookie: string; accessToken: string; refreshToken: string }> {
  const tokens = await signIn(emulatorUrl);
  const jwt: ChutesJwt = {
    chutes: {
      accessToken: tokens.access_token,
      refreshToken: tokens.refresh_token,
      expiresAt: Date.now() + tokens.expires_in * 1000,
      username: "alice",
      userId: "alice",
    },
  };
  return {
    cookie: `next-auth.session-token=${await encode({ token: jwt, secret })}`,
    accessToken: tokens.access_token,
    refreshToken: tokens.refresh_token,
  };
}
