// Which conversation this tab shows, so a reload comes back to it (per tab: sessionStorage).

const ACTIVE_KEY = "chutes-chat:active-conversation";

export function newConversationId(): string {
  return (
    globalThis.crypto?.randomUUID?.() ?? `c-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`
  );
}

export function readActiveConversation(): string | null {
  try {
    return globalThis.sessionStorage?.getItem(ACTIVE_KEY) ?? null;
  } catch {
    return null;
  }
}

export function rememberActiveConversation(id: string): void {
  try {
    globalThis.sessionStorage?.setItem(ACTIVE_KEY, id);
  } catch {
    // Blocked storage: a reload starts a new chat.
  }
}
