import { contentSecurityPolicy, serverSources } from '../lib/csp';

function directives(policy: string): Record<string, string[]> {
  return Object.fromEntries(
    policy.split('; ').map((part) => {
      const [name, ...values] = part.split(' ');
      return [name as string, values];
    }),
  );
}

describe('Content-Security-Policy', () => {
  it('allows scripts only by nonce in production, and connections to the chat server', () => {
    const csp = directives(
      contentSecurityPolicy({ nonce: 'abc', serverUrl: 'http://localhost:8000', dev: false }),
    );
    expect(csp['script-src']).toEqual(["'self'", "'nonce-abc'", "'strict-dynamic'"]);
    expect(csp['style-src']).toEqual(["'self'", "'nonce-abc'"]);
    expect(csp['connect-src']).toEqual(["'self'", 'http://localhost:8000', 'ws://localhost:8000']);
    expect(csp['frame-ancestors']).toEqual(["'none'"]);
    expect(csp['object-src']).toEqual(["'none'"]);
    expect(csp['base-uri']).toEqual(["'none'"]);
    expect(JSON.stringify(csp)).not.toContain('unsafe');
  });

  it('uses wss for an https server, and only self for the same origin', () => {
    expect(serverSources('https://chat.example.com')).toEqual([
      'https://chat.example.com',
      'wss://chat.example.com',
    ]);
    expect(serverSources('')).toEqual([]);
    expect(serverSources('not a url')).toEqual([]);
    const csp = directives(contentSecurityPolicy({ nonce: 'n', serverUrl: '', dev: false }));
    expect(csp['connect-src']).toEqual(["'self'"]);
  });

  it("adds 'unsafe-eval' for React's development build only", () => {
    const dev = directives(contentSecurityPolicy({ nonce: 'n', serverUrl: '', dev: true }));
    expect(dev['script-src']).toContain("'unsafe-eval'");
  });
});
