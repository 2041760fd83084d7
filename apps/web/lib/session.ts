/*
 * What the browser keeps of the session, in localStorage. Every access is
 * guarded: storage can be unavailable (private modes, blocked cookies).
 *
 * Two modes, chosen by where the API is (usesCookieSession):
 * - cross-origin API (v1): the login token itself, sent as `Authorization: Bearer`;
 * - same-origin API (cookie mode): the token lives in the server's httpOnly,
 *   SameSite=Strict cookie, out of every script's reach; what is stored here is
 *   only a marker that a session may exist (a key for this login, not a
 *   credential), so a reload checks it with GET /api/me and other tabs hear of
 *   logins and logouts.
 */

export const TOKEN_KEY = 'chat.token';

export const SESSION_ENDED_NOTICE = 'Your session has ended, please log in again';

/** Cookie mode is used when the web app and the API share an origin (`serverUrl` `''`). */
export function usesCookieSession(serverUrl: string): boolean {
  return serverUrl === '';
}

/** Cookie mode: the key of a new login, which tells it apart from the one before. Not a secret. */
export function newCookieSessionKey(): string {
  return `cookie:${Date.now().toString(36)}`;
}

export function loadToken(): string | null {
  try {
    return window.localStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

export function saveToken(token: string): void {
  try {
    window.localStorage.setItem(TOKEN_KEY, token);
  } catch {
    // Without storage the session simply does not survive a reload.
  }
}

export function clearToken(): void {
  try {
    window.localStorage.removeItem(TOKEN_KEY);
  } catch {
    // Nothing stored, nothing to clear.
  }
}

/** Calls `listener` when another tab logs in or out. Returns the unsubscribe function. */
export function onTokenChangedElsewhere(listener: (token: string | null) => void): () => void {
  const onStorage = (event: StorageEvent) => {
    if (event.key === TOKEN_KEY || event.key === null) listener(loadToken());
  };
  window.addEventListener('storage', onStorage);
  return () => window.removeEventListener('storage', onStorage);
}
