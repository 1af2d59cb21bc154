import "next-auth";

declare module "next-auth" {
  // The session the browser receives: identity and health only, never a token.
  interface Session {
    chutes: { username: string; userId: string } | null;
    chutesError: "session_ended" | null;
  }
}
