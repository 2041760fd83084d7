/*
 * The Content-Security-Policy of the page, built per request by proxy.ts.
 *
 * - Scripts: only those carrying this response's nonce, and what they load
 *   ('strict-dynamic': Next's chunks). No 'unsafe-inline', no 'unsafe-eval'
 *   outside development (React's dev build needs eval).
 * - Connections: this origin, plus the chat server's origin over http(s) and
 *   ws(s) (Socket.IO uses both), which is only known at request time.
 * - No plugins, no <base>, no framing, forms only to this origin.
 */

export interface CspOptions {
  nonce: string;
  /** The chat server's base URL as given to the page; '' = same origin. */
  serverUrl: string;
  dev: boolean;
}

export function contentSecurityPolicy({ nonce, serverUrl, dev }: CspOptions): string {
  const connect = ["'self'", ...serverSources(serverUrl)];
  const directives: [string, string[]][] = [
    ['default-src', ["'self'"]],
    [
      'script-src',
      ["'self'", `'nonce-${nonce}'`, "'strict-dynamic'", ...(dev ? ["'unsafe-eval'"] : [])],
    ],
    // Development injects styles for hot reloading; production has only stylesheets and nonced tags.
    ['style-src', ["'self'", dev ? "'unsafe-inline'" : `'nonce-${nonce}'`]],
    ['img-src', ["'self'", 'data:', 'blob:']],
    ['font-src', ["'self'"]],
    ['connect-src', connect],
    ['object-src', ["'none'"]],
    ['base-uri', ["'none'"]],
    ['form-action', ["'self'"]],
    ['frame-ancestors', ["'none'"]],
    ['worker-src', ["'self'", 'blob:']],
    ['manifest-src', ["'self'"]],
  ];
  return directives.map(([name, values]) => `${name} ${values.join(' ')}`).join('; ');
}

/** `http://host:8000` → `http://host:8000 ws://host:8000`; '' or unparsable → nothing. */
export function serverSources(serverUrl: string): string[] {
  if (!serverUrl) return [];
  let url: URL;
  try {
    url = new URL(serverUrl);
  } catch {
    return [];
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return [];
  const socketScheme = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return [url.origin, `${socketScheme}//${url.host}`];
}
