import { io } from 'socket.io-client';
import type { AuthResponse, CookieAuthResponse } from '@chat/shared';
import {
  call,
  createRoom,
  http,
  join,
  registerUser,
  uniqueName,
  type ClientSocket,
} from '../support/clients';
import { useCluster } from '../support/cluster';

/*
 * The web app kept its token in localStorage, where any script in the page can read it, and the
 * server knew no other way to carry it: these reproduce cookie mode (an httpOnly, SameSite=Strict
 * cookie set by the server, accepted over HTTP and the socket handshake, CSRF-checked), its
 * logout, and that bearer clients see no change.
 */

const password = 'correct horse battery';
/** In CORS_ORIGIN by default (config.ts), so what a same-origin web app sends. */
const ORIGIN = 'http://localhost:3000';
const COOKIE_MODE = { 'x-chat-session': 'cookie', origin: ORIGIN };

interface Answer<T> {
  status: number;
  body: T;
  setCookie: string[];
}

async function request<T>(
  url: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: unknown,
): Promise<Answer<T>> {
  const response = await fetch(url + path, {
    method,
    headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return {
    status: response.status,
    body: (text ? JSON.parse(text) : null) as T,
    setCookie: response.headers.getSetCookie(),
  };
}

/** `chat_session=<token>` from a Set-Cookie header, as a Cookie header sends it back. */
function cookieOf(setCookie: string[]): string {
  const cookie = setCookie.find((line) => line.startsWith('chat_session='));
  if (!cookie) throw new Error(`no session cookie in ${JSON.stringify(setCookie)}`);
  return cookie.split(';')[0]!;
}

/** A new user in cookie mode: the cookie to send back, and what the answer held. */
async function cookieUser(url: string) {
  const username = uniqueName();
  const answer = await request<CookieAuthResponse>(url, 'POST', '/api/auth/register', COOKIE_MODE, {
    username,
    password,
  });
  expect(answer.status).toBe(201);
  return { username, user: answer.body.user, cookie: cookieOf(answer.setCookie), answer };
}

/** A cookie-mode registration whose X-Forwarded-Proto claims https. */
function registerSayingHttps(url: string) {
  return request(
    url,
    'POST',
    '/api/auth/register',
    { ...COOKIE_MODE, 'x-forwarded-proto': 'https' },
    { username: uniqueName(), password },
  );
}

describe('cookie mode', () => {
  const cluster = useCluster();

  test('register and login in cookie mode set an httpOnly SameSite=Strict cookie and keep the token out of the body', async () => {
    const { username, answer, cookie } = await cookieUser(cluster.url(0));
    const login = await request<CookieAuthResponse>(
      cluster.url(1),
      'POST',
      '/api/auth/login',
      COOKIE_MODE,
      { username, password },
    );
    expect(login.status).toBe(200);
    for (const { body, setCookie } of [answer, login]) {
      expect(body).toEqual({ user: { id: expect.any(String), username } });
      expect(setCookie).toHaveLength(1);
      const attributes = setCookie[0]!.split(/;\s*/).slice(1);
      expect(attributes.sort()).toEqual(
        ['HttpOnly', 'Max-Age=604800', 'Path=/', 'SameSite=Strict'].sort(),
      );
    }
    expect(cookie).toMatch(/^chat_session=[\w-]{43}$/);
    const me = await request(cluster.url(1), 'GET', '/api/me', { cookie });
    expect(me).toMatchObject({ status: 200, body: { user: { username } } });
  });

  test('Secure is set only when a trusted proxy says the request came over https', async () => {
    const answer = await registerSayingHttps(cluster.url(0));
    expect(answer.setCookie[0]).not.toMatch(/Secure/i);
  });

  test('the socket connects with the cookie alone and chats with a bearer client on another instance', async () => {
    const { cookie, user } = await cookieUser(cluster.url(0));
    const other = await cluster.userOn(1);
    const roomId = await createRoom(cluster.url(1), other.token);
    const socket: ClientSocket = io(cluster.url(0), {
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      extraHeaders: { cookie, origin: ORIGIN },
    });
    cluster.sockets.push(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('connect_error', reject);
    });
    await join(socket, roomId);
    await join(other.socket, roomId);
    const ack = await call(socket, 'message:send', { roomId, text: 'by cookie', clientId: 'c1' });
    expect(ack).toMatchObject({ ok: true });
    const [received] = await other.inbox.waitFor(1);
    expect(received).toMatchObject({ text: 'by cookie', userId: user.id });
  });

  test('a cookie-authenticated POST without the header or from a foreign origin is refused with 403 forbidden', async () => {
    const { cookie } = await cookieUser(cluster.url(0));
    const room = { name: uniqueName('room'), kind: 'public' };
    const refusals: Record<string, string>[] = [
      { cookie, origin: ORIGIN }, // a cross-site form cannot add the header
      { cookie, 'x-chat-session': 'cookie', origin: 'http://evil.example' },
      { cookie, 'x-chat-session': 'cookie' }, // no Origin at all
    ];
    for (const headers of refusals) {
      const refused = await request<{ error: { code: string } }>(
        cluster.url(0),
        'POST',
        '/api/rooms',
        headers,
        room,
      );
      expect(refused.status).toBe(403);
      expect(refused.body.error.code).toBe('forbidden');
    }
    const foreignLogout = await request(cluster.url(0), 'POST', '/api/auth/logout', {
      cookie,
      'x-chat-session': 'cookie',
      origin: 'http://evil.example',
    });
    expect(foreignLogout.status).toBe(403);
    // Nothing was created, and the session still works from the right origin.
    const created = await request(
      cluster.url(0),
      'POST',
      '/api/rooms',
      { cookie, ...COOKIE_MODE },
      room,
    );
    expect(created.status).toBe(201);
  });

  test('logout and logout-all revoke the session and clear the cookie', async () => {
    for (const path of ['/api/auth/logout', '/api/auth/logout-all']) {
      const { cookie } = await cookieUser(cluster.url(0));
      const out = await request(cluster.url(1), 'POST', path, { cookie, ...COOKIE_MODE });
      expect(out.status).toBe(204);
      expect(out.setCookie).toHaveLength(1);
      expect(out.setCookie[0]).toMatch(/^chat_session=;/);
      expect(out.setCookie[0]).toMatch(/Max-Age=0/);
      expect((await request(cluster.url(0), 'GET', '/api/me', { cookie })).status).toBe(401);
    }
  });

  test('bearer clients are unaffected: the token in the body, no cookie, the Authorization header wins over a cookie', async () => {
    const username = uniqueName();
    const registered = await request<AuthResponse>(
      cluster.url(0),
      'POST',
      '/api/auth/register',
      {},
      {
        username,
        password,
      },
    );
    expect(registered.status).toBe(201);
    expect(registered.body.token).toEqual(expect.any(String));
    expect(registered.setCookie).toEqual([]);
    const { cookie } = await cookieUser(cluster.url(0));
    // A stray cookie neither authenticates a bearer request nor subjects it to the CSRF rule.
    const created = await request<{ room: { id: string } }>(
      cluster.url(1),
      'POST',
      '/api/rooms',
      { authorization: `Bearer ${registered.body.token}`, cookie, origin: 'http://evil.example' },
      { name: uniqueName('room'), kind: 'public' },
    );
    expect(created.status).toBe(201);
    const bearer = await registerUser(cluster.url(1));
    expect(
      (await http(cluster.url(0), 'POST', '/api/auth/logout', { token: bearer.token })).status,
    ).toBe(204);
  });
});

describe('cookie mode behind a trusted proxy', () => {
  const cluster = useCluster({ instances: 1, config: { trustProxy: ['127.0.0.1'] } });

  test('X-Forwarded-Proto https from the trusted proxy makes the cookie Secure', async () => {
    const answer = await registerSayingHttps(cluster.url(0));
    expect(answer.status).toBe(201);
    expect(answer.setCookie[0]).toMatch(/; Secure/);
  });
});
