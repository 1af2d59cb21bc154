import { clearStoredCredentials } from "@/src/lib/credentials/keyStore.ts";

/** Every localStorage entry this app writes starts with this prefix (key, model, theme, …). */
const APP_PREFIX = "chutes-chat:";

/** Removes the app's browser settings and keys; the session hook is told the key went away. */
export function clearLocalSettings(storage: Storage | undefined = globalThis.localStorage): void {
  if (!storage) return;
  removeAppEntries(storage);
  try {
    if (globalThis.sessionStorage) removeAppEntries(globalThis.sessionStorage);
  } catch {
    // Blocked storage: nothing to clear.
  }
  // Also notifies listeners in this tab (the session re-reads and shows setup).
  clearStoredCredentials(storage);
}

function removeAppEntries(storage: Storage): void {
  const keys: string[] = [];
  for (let i = 0; i < storage.length; i++) {
    const key = storage.key(i);
    if (key?.startsWith(APP_PREFIX)) keys.push(key);
  }
  for (const key of keys) storage.removeItem(key);
}
