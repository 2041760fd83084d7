/** Where the chat server runs when nothing says otherwise. */
export const DEFAULT_SERVER_URL = 'http://localhost:8000';

export interface ServerUrlEnv {
  /**
   * Runtime override, read by the Next server at request time. An empty string
   * means "the page's own origin" (the web app is served behind the same load
   * balancer as the API, as `npm run cluster` does).
   */
  CHAT_SERVER_URL?: string | undefined;
  /** Build-time setting, inlined by `next build`. */
  NEXT_PUBLIC_SERVER_URL?: string | undefined;
}

/**
 * The chat server's base URL, without a trailing slash. `''` means same origin:
 * HTTP calls use relative paths and the socket connects to `location.origin`.
 */
export function resolveServerUrl(env: ServerUrlEnv): string {
  if (env.CHAT_SERVER_URL !== undefined) return withoutTrailingSlash(env.CHAT_SERVER_URL.trim());
  const configured = env.NEXT_PUBLIC_SERVER_URL?.trim();
  return withoutTrailingSlash(configured ? configured : DEFAULT_SERVER_URL);
}

function withoutTrailingSlash(url: string): string {
  return url.replace(/\/+$/, '');
}
