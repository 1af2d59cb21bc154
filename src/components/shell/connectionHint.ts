import type { ConnectionStatus } from "@/src/hooks/useConnection.ts";

// A cookie that tells the server which screen to render at first paint for this browser, so a
// returning user sees the chat, not the setup screen, before any JavaScript runs. It holds no
// secret: only which kind of pasted key exists ("key" or "openrouter"). The key itself stays in
// localStorage and never goes into a cookie. Sign in with Chutes needs no hint: the server reads
// its own session cookie.

export const HINT_COOKIE = "chutes-chat-hint";
const HINT_MAX_AGE_S = 365 * 24 * 60 * 60;

const CONNECTION_HINTS = ["key", "openrouter"] as const;
export type ConnectionHint = (typeof CONNECTION_HINTS)[number];

/** The screen the server renders before the browser has read its keys. */
export type FirstScreen = "setup" | "chat";

/** A cookie value from the request; anything else (tampered, outdated) counts as no hint. */
export function parseConnectionHint(value: string | undefined): ConnectionHint | null {
  // Not zod: this module is in the first paint (see readAppError in errors.ts).
  return (CONNECTION_HINTS as ReadonlyArray<unknown>).includes(value) ? (value as ConnectionHint) : null;
}

/** What the cookie should say for a connection; undefined while the browser is still reading it. */
export function hintForStatus(status: ConnectionStatus): ConnectionHint | null | undefined {
  switch (status) {
    case "loading":
      return undefined;
    case "api-key":
      return "key";
    case "openrouter":
      return "openrouter";
    default:
      return null; // signed out, or the server's own session decides
  }
}

/** Sets or removes the hint cookie; not HttpOnly because the browser writes it. */
export function writeConnectionHint(hint: ConnectionHint | null, doc: Document = document): void {
  const secure = doc.location?.protocol === "https:" ? "; Secure" : "";
  doc.cookie =
    hint === null
      ? `${HINT_COOKIE}=; Path=/; Max-Age=0; SameSite=Lax${secure}`
      : `${HINT_COOKIE}=${hint}; Path=/; Max-Age=${HINT_MAX_AGE_S}; SameSite=Lax${secure}`;
}

/**
 * Writes the hint a connection status calls for when it differs from `current` (the cookie as this
 * page knows it: the value the server saw, then what the page last wrote), and returns the cookie's
 * value now. It never reads document.cookie: that is a synchronous round trip to the browser's
 * network process (4-29 ms of a chat page's load in CPU profiles at 4x, the most under load).
 * Another tab changing the cookie meanwhile changes this tab's keys too (localStorage is shared),
 * and so its status.
 */
export function syncConnectionHint(
  status: ConnectionStatus,
  current: ConnectionHint | null,
  doc: Document = document,
): ConnectionHint | null {
  const hint = hintForStatus(status);
  if (hint === undefined || hint === current) return current;
  writeConnectionHint(hint, doc);
  return hint;
}
