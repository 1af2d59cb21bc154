import "server-only";
import type { NextAuthOptions } from "next-auth";
import type { OAuthConfig } from "next-auth/providers/oauth";
import type { TokenSet } from "openid-client";
import type { AppConfig } from "../config.ts";
import { redactSecrets } from "../upstream/redact.ts";
import { revokeChutesToken } from "./chutesTokens.ts";
import { type ChutesJwt, ensureFreshChutesTokens } from "./oauthSession.ts";
import { classifyCallbackError, type SignInFailure, USERINFO_FAILED } from "./signInFailure.ts";

// Sign in with Chutes through next-auth v4. The Chutes IDP issues no ID token and has no JWKS
// (protocol §1.1), so this is a plain OAuth 2 provider plus a userinfo call.

interface ChutesProfile {
  sub: string;
  username: string;
  created_at?: string;
}

export function chutesOAuthProvider(config: AppConfig): OAuthConfig<ChutesProfile> {
  const idp = config.CHUTES_IDP_URL;
  return {
    id: "chutes",
    name: "Chutes",
    type: "oauth",
    clientId: config.CHUTES_CLIENT_ID,
    clientSecret: config.CHUTES_CLIENT_SECRET,
    // The discovery document's issuer is the IdP's base URL; openid-client checks an RFC 9207 `iss`
    // on the callback against it (and fails every sign-in with `iss` if it is not set).
    issuer: idp,
    authorization: { url: `${idp}/idp/authorize`, params: { scope: config.CHUTES_OAUTH_SCOPES } },
    token: `${idp}/idp/token`,
    userinfo: {
      url: `${idp}/idp/userinfo`,
      // Tagged so a refused profile call is told apart from a refused token call.
      async request({ client, tokens }) {
        try {
          return (await client.userinfo(tokens as TokenSet)) as unknown as ChutesProfile;
        } catch (error) {
          throw new Error(`${USERINFO_FAILED}: ${error instanceof Error ? error.message : String(error)}`);
        }
      },
    },
    checks: ["pkce", "state"],
    idToken: false,
    client: { token_endpoint_auth_method: "client_secret_post" },
    profile: (profile) => ({ id: profile.sub, name: profile.username }),
  };
}

export interface AuthHooks {
  /** Called with the named cause when next-auth refuses an OAuth callback. */
  onSignInFailure?: (failure: SignInFailure | null) => void;
}

// next-auth logs error objects that can carry request details; log the code and a redacted line.
function buildLogger(hooks: AuthHooks): NextAuthOptions["logger"] {
  return {
    error(code, metadata) {
      const detail =
        metadata instanceof Error ? metadata.message : (metadata as { error?: Error })?.error?.message;
      if (code === "OAUTH_CALLBACK_ERROR") hooks.onSignInFailure?.(classifyCallbackError(detail ?? ""));
      console.error(`next-auth ${code}${detail ? `: ${redactSecrets(detail)}` : ""}`);
    },
    warn(code) {
      console.warn(`next-auth ${code}`);
    },
    debug() {},
  };
}

export function buildAuthOptions(config: AppConfig, hooks: AuthHooks = {}): NextAuthOptions {
  return {
    secret: config.NEXTAUTH_SECRET,
    // Explicit: Secure (and the __Secure-/__Host- names) exactly when the app is served over https.
    // next-auth's cookies are HttpOnly and SameSite=Lax; sessionCookie.ts writes the same.
    useSecureCookies: config.NEXTAUTH_URL?.startsWith("https://") ?? false,
    providers: config.CHUTES_CLIENT_ID ? [chutesOAuthProvider(config)] : [],
    session: { strategy: "jwt" },
    // Errors and sign-in come back to the app itself, which explains them in place.
    pages: { signIn: "/", error: "/" },
    logger: buildLogger(hooks),
    callbacks: {
      async jwt({ token, account, profile }) {
        const jwt = token as ChutesJwt;
        if (account?.provider === "chutes" && account.access_token && account.refresh_token) {
          const chutesProfile = profile as ChutesProfile | undefined;
          const expiresAt = account.expires_at ? account.expires_at * 1000 : Date.now() + 3600_000;
          const { chutesError: _previous, ...rest } = jwt;
          return {
            ...rest,
            chutes: {
              accessToken: account.access_token,
              refreshToken: account.refresh_token,
              expiresAt,
              username: chutesProfile?.username ?? jwt.name ?? "",
              userId: chutesProfile?.sub ?? jwt.sub ?? "",
            },
          };
        }
        return (await ensureFreshChutesTokens(jwt, config)).jwt;
      },
      // What the browser may see: who is signed in and whether the session is healthy. No token.
      async session({ session, token }) {
        const jwt = token as ChutesJwt;
        return {
          expires: session.expires,
          chutes: jwt.chutes ? { username: jwt.chutes.username, userId: jwt.chutes.userId } : null,
          chutesError: jwt.chutesError ?? null,
        };
      },
    },
    events: {
      async signOut({ token }) {
        const session = (token as ChutesJwt | null)?.chutes;
        if (!session) return;
        await Promise.all([
          revokeChutesToken(session.refreshToken, "refresh_token", config),
          revokeChutesToken(session.accessToken, "access_token", config),
        ]);
      },
    },
  };
}
