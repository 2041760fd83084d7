import { io } from 'socket.io-client';
import type { AuthResponse } from '@chat/shared';
import { registerUser } from '../support/clients';
import { useCluster } from '../support/cluster';
import { expectDocumented, rawHttp } from './support/outcomes';
import { RawSocket } from './support/raw-socket';

/*
 * Origins: a Socket.IO handshake whose Origin is not one of CORS_ORIGIN is
 * refused (403, before the token is looked at), on every transport and on
 * the polling → websocket upgrade; and the HTTP API hands CORS headers only
 * to those origins. Matching is exact string equality with an entry: no
 * wildcard, no prefix or substring, no scheme or port leniency, and no case
 * folding (browsers always send the origin serialized in lower case, so
 * `http://LOCALHOST:3000` never comes from a real page; refusing it costs
 * nothing). A request without Origin (not a browser) is allowed.
 */

const ALLOWED = ['http://localhost:3000', 'https://chat.example.test'];

const FOREIGN = [
  'http://evil.test',
  'http://localhost:3000.evil.test',
  'http://evil.test/http://localhost:3000',
  'https://localhost:3000', // scheme differs
  'http://LOCALHOST:3000', // case differs
  'http://localhost:3000/', // trailing slash
  'http://localhost:300', // prefix of an allowed origin
  'http://localhost:30000', // an allowed origin is a prefix of it
  'http://localhost', // port missing
  'http://user@localhost:3000',
  'http://chat.example.test', // the other allowed origin, over http
  'https://evil.chat.example.test', // a subdomain
  'http://localhost:3000, http://evil.test', // a list in one header
  'null', // sandboxed iframes and file: pages
  '*',
];

const cluster = useCluster({ instances: 1, redis: false, config: { corsOrigins: ALLOWED } });
let url: string;
let user: AuthResponse;
/** The Origin header of every handshake the server accepted, as the server saw it. */
const accepted: (string | undefined)[] = [];

beforeAll(async () => {
  url = cluster.url(0);
  user = await registerUser(url);
  cluster.servers[0]!.io.on('connection', (socket) =>
    accepted.push(socket.handshake.headers.origin),
  );
});

/** socket.io-client with an Origin header, as a browser page on that origin would send. */
function clientFrom(
  origin: string | undefined,
  transport: 'websocket' | 'polling',
  token = user.token,
): Promise<{ connected: true } | { connected: false; message: string }> {
  const socket = io(url, {
    auth: { token },
    transports: [transport],
    reconnection: false,
    forceNew: true,
    // Node's clients send extraHeaders on both transports (polling lifts the XHR header ban).
    extraHeaders: origin === undefined ? {} : { origin },
  });
  return new Promise((resolve) => {
    socket.once('connect', () => {
      socket.close();
      resolve({ connected: true });
    });
    socket.once('connect_error', (error) => {
      socket.close();
      resolve({ connected: false, message: error.message });
    });
  });
}

describe('Socket.IO handshakes', () => {
  test.each(ALLOWED)('the configured origin %s is accepted on both transports', async (origin) => {
    for (const transport of ['websocket', 'polling'] as const) {
      expect(await clientFrom(origin, transport)).toEqual({ connected: true });
      // The header really went through: the server saw this exact origin.
      expect(accepted.at(-1)).toBe(origin);
    }
    expect(await RawSocket.upgrade(url, { origin })).toEqual({ accepted: true });
    const polling = await rawHttp(url, {
      method: 'GET',
      path: '/socket.io/?EIO=4&transport=polling',
      headers: { origin },
    });
    expect(polling.status).toBe(200);
    expect(polling.headers['access-control-allow-origin']).toBe(origin);
  });

  test('a handshake without Origin (not a browser) is accepted', async () => {
    expect(await clientFrom(undefined, 'websocket')).toEqual({ connected: true });
    expect(accepted.at(-1)).toBeUndefined();
    expect(await RawSocket.upgrade(url)).toEqual({ accepted: true });
  });

  test.each(FOREIGN)(
    'Origin %j is refused on websocket (400) and polling (403)',
    async (origin) => {
      // Engine.IO aborts a refused websocket upgrade with 400 (its abortUpgrade always writes
      // "400 Bad Request"), and a refused polling handshake with 403 {"code":4,"message":"Forbidden"}.
      expect(await RawSocket.upgrade(url, { origin })).toEqual({ accepted: false, status: 400 });
      const polling = await rawHttp(url, {
        method: 'GET',
        path: '/socket.io/?EIO=4&transport=polling',
        headers: { origin },
      });
      expect(polling.status).toBe(403);
      expect(JSON.parse(polling.text)).toEqual({ code: 4, message: 'Forbidden' });
      expect(polling.headers['access-control-allow-origin']).toBeUndefined();
      const before = accepted.length;
      for (const transport of ['websocket', 'polling'] as const) {
        const result = await clientFrom(origin, transport);
        // A transport-level refusal: the token (valid here) was never looked at.
        expect(result).toMatchObject({ connected: false });
        expect(result).not.toMatchObject({ message: 'unauthorized' });
      }
      expect(accepted.length).toBe(before);
    },
  );

  test('a foreign origin is refused before the token check: a bad token gets a transport error, not "unauthorized"', async () => {
    const result = await clientFrom('http://evil.test', 'websocket', 'not-a-token');
    expect(result).toMatchObject({ connected: false });
    expect(result).not.toMatchObject({ message: 'unauthorized' });
    // Control: from an allowed origin the same bad token reaches the token check.
    expect(await clientFrom(ALLOWED[0], 'websocket', 'not-a-token')).toEqual({
      connected: false,
      message: 'unauthorized',
    });
  });

  /** A polling session opened by a page on an allowed origin; returns its sid. */
  async function allowedSession(): Promise<string> {
    const open = await rawHttp(url, {
      method: 'GET',
      path: '/socket.io/?EIO=4&transport=polling',
      headers: { origin: ALLOWED[0]! },
    });
    expect(open.status).toBe(200);
    return (JSON.parse(open.text.slice(1)) as { sid: string }).sid;
  }

  // Hardening, not an open door: a foreign page cannot learn a session id, and sessions carry
  // no cookie. Still, "the Origin must match" should hold for every request of a session, not
  // only for the one that opens it.
  test('a polling session opened from an allowed origin cannot be upgraded to websocket from a foreign one', async () => {
    const sid = await allowedSession();
    expect(
      await RawSocket.upgrade(url, { origin: 'http://evil.test', query: `sid=${sid}` }),
    ).toMatchObject({
      accepted: false,
    });
  });

  test('a polling session opened from an allowed origin cannot be written to from a foreign one', async () => {
    const sid = await allowedSession();
    // A POST answers at once ("ok" when taken); a GET would be held as a long poll.
    const post = await rawHttp(url, {
      method: 'POST',
      path: `/socket.io/?EIO=4&transport=polling&sid=${sid}`,
      headers: { origin: 'http://evil.test', 'content-type': 'text/plain;charset=UTF-8' },
      body: '6',
    });
    expect(post.status).toBe(403);
  });
});

describe('HTTP CORS', () => {
  const preflight = (origin: string, path = '/api/rooms') =>
    rawHttp(url, {
      method: 'OPTIONS',
      path,
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,content-type',
      },
    });

  test.each(ALLOWED)(
    'a preflight from %s gets its origin echoed, with credentials',
    async (origin) => {
      for (const path of ['/api/rooms', '/api/auth/login', '/api/rooms/x/members']) {
        const response = await preflight(origin, path);
        expect(response.status).toBeLessThan(300);
        expect(response.headers['access-control-allow-origin']).toBe(origin);
        expect(response.headers['access-control-allow-credentials']).toBe('true');
        expect(response.headers['access-control-allow-methods']).toContain('POST');
        const allowedHeaders = String(
          response.headers['access-control-allow-headers'],
        ).toLowerCase();
        expect(allowedHeaders).toContain('authorization');
        expect(allowedHeaders).toContain('content-type');
        expect(String(response.headers.vary)).toMatch(/origin/i);
      }
    },
  );

  test.each(FOREIGN)('a preflight from %j gets no access-control-allow-origin', async (origin) => {
    const response = await preflight(origin);
    expect(response.headers['access-control-allow-origin']).toBeUndefined();
    expect(response.status).not.toBe(500);
  });

  test.each(FOREIGN)('a request from %j is answered without CORS headers', async (origin) => {
    // The API does not refuse other origins (PROTOCOL.md); browsers withhold the response.
    const response = await rawHttp(url, {
      method: 'GET',
      path: '/api/me',
      headers: { origin, authorization: `Bearer ${user.token}` },
    });
    expectDocumented(response, { ok: [200], failures: [] }, `GET /api/me from ${origin}`);
    expect(response.headers['access-control-allow-origin']).toBeUndefined();
  });

  test('a request from an allowed origin gets its origin echoed (never "*", which credentials forbid)', async () => {
    const response = await rawHttp(url, {
      method: 'GET',
      path: '/api/me',
      headers: { origin: ALLOWED[1]!, authorization: `Bearer ${user.token}` },
    });
    expect(response.status).toBe(200);
    expect(response.headers['access-control-allow-origin']).toBe(ALLOWED[1]);
    expect(response.headers['access-control-allow-credentials']).toBe('true');
  });
});
