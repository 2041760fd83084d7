import type { AuthResponse, ErrorResponse, Message, RoomsResponse } from '@chat/shared';
import { connect, createRoom, http, join, registerUser, send, uniqueName } from './support/clients';
import { useCluster, type ClusterOptions } from './support/cluster';

/*
 * The HTTP API of PROTOCOL.md, every error row this layer owns, against two
 * instances sharing one Redis (a call may land on either), and (issue 15) two
 * instances on a Redis Cluster, where users, sessions and rooms span slots.
 */

describe.each([
  ['two instances on Redis', {}],
  ['two instances on a Redis Cluster', { redis: { cluster: true } }],
] as [string, ClusterOptions][])('%s', (_topology, options) => {
  const cluster = useCluster({ instances: 2, ...options });
  let a: string;
  let b: string;

  beforeAll(() => {
    a = cluster.url(0);
    b = cluster.url(1);
  });

  /** After every failure the server still serves: a full register + me round trip. */
  async function expectStillServing(): Promise<void> {
    const session = await registerUser(a);
    const me = await http<{ user: { id: string } }>(b, 'GET', '/api/me', { token: session.token });
    expect(me.status).toBe(200);
    expect(me.body.user.id).toBe(session.user.id);
  }

  const errorBody = (code: string) => ({ error: { code, message: expect.any(String) } });

  describe('register', () => {
    test('returns 201 with the user and a token that works on every instance', async () => {
      const username = uniqueName('Reg');
      const { status, body } = await http<AuthResponse>(a, 'POST', '/api/auth/register', {
        body: { username, password: 'long enough' },
      });
      expect(status).toBe(201);
      expect(body.user).toEqual({ id: expect.any(String), username });
      expect(Object.keys(body.user).sort()).toEqual(['id', 'username']);
      expect(Buffer.from(body.token, 'base64url').length).toBeGreaterThanOrEqual(16);
      const me = await http(b, 'GET', '/api/me', { token: body.token });
      expect(me).toEqual({ status: 200, body: { user: body.user } });
    });

    test.each([
      ['too short', 'ab'],
      ['too long', 'a'.repeat(33)],
      ['a space', 'bad name'],
      ['a slash', 'bad/name'],
      ['non-ASCII', 'héllo'],
      ['an HTML tag', '<b>x</b>'],
      ['empty', ''],
    ])('rejects a username with %s as invalid_input', async (_what, username) => {
      const { status, body } = await http(a, 'POST', '/api/auth/register', {
        body: { username, password: 'long enough' },
      });
      expect(status).toBe(400);
      expect(body).toEqual(errorBody('invalid_input'));
      await expectStillServing();
    });

    test.each([
      ['7 characters', 'x'.repeat(7)],
      ['129 characters', 'x'.repeat(129)],
    ])('rejects a password of %s', async (_what, password) => {
      const { status, body } = await http(a, 'POST', '/api/auth/register', {
        body: { username: uniqueName(), password },
      });
      expect(status).toBe(400);
      expect(body).toEqual(errorBody('invalid_input'));
    });

    test('accepts usernames of exactly 3 and 32 characters, and passwords of 8 and 128', async () => {
      const short = `u${process.pid}`.slice(0, 3);
      const long = `${uniqueName('x')}${'y'.repeat(32)}`.slice(0, 32);
      for (const [username, password] of [
        [short, 'x'.repeat(8)],
        [long, 'x'.repeat(128)],
      ] as const) {
        const { status } = await http(a, 'POST', '/api/auth/register', {
          body: { username, password },
        });
        expect(status).toBe(201);
      }
    });

    test('refuses a username taken in another case with 409, on another instance', async () => {
      const username = uniqueName('Case');
      await registerUser(a, username);
      const { status, body } = await http(b, 'POST', '/api/auth/register', {
        body: { username: username.toUpperCase(), password: 'long enough' },
      });
      expect(status).toBe(409);
      expect(body).toEqual(errorBody('conflict'));
    });
  });

  describe('login', () => {
    test('matches the username regardless of case', async () => {
      const username = uniqueName('Login');
      const registered = await registerUser(a, username);
      const { status, body } = await http<AuthResponse>(b, 'POST', '/api/auth/login', {
        body: { username: username.toLowerCase(), password: 'correct horse battery' },
      });
      expect(status).toBe(200);
      expect(body.user).toEqual(registered.user);
      expect(body.token).not.toBe(registered.token);
    });

    test('answers the same 401 body for a wrong password and an unknown user', async () => {
      const username = uniqueName();
      await registerUser(a, username);
      const wrongPassword = await http(a, 'POST', '/api/auth/login', {
        body: { username, password: 'not the password' },
      });
      const unknownUser = await http(a, 'POST', '/api/auth/login', {
        body: { username: uniqueName('ghost'), password: 'not the password' },
      });
      expect(wrongPassword.status).toBe(401);
      expect(unknownUser.status).toBe(401);
      expect(unknownUser.body).toEqual(wrongPassword.body);
      expect(wrongPassword.body).toEqual(errorBody('unauthorized'));
    });
  });

  describe('logout and tokens', () => {
    test('logout revokes the token on every instance', async () => {
      const session = await registerUser(a);
      expect((await http(b, 'POST', '/api/auth/logout', { token: session.token })).status).toBe(
        204,
      );
      for (const url of [a, b]) {
        const me = await http(url, 'GET', '/api/me', { token: session.token });
        expect(me).toEqual({ status: 401, body: errorBody('unauthorized') });
      }
      expect((await http(a, 'POST', '/api/auth/logout', { token: session.token })).status).toBe(
        401,
      );
    });

    test.each([
      ['no header', undefined],
      ['an unknown token', 'x'.repeat(43)],
    ])('GET /api/me with %s is 401', async (_what, token) => {
      const me = await http(a, 'GET', '/api/me', token === undefined ? {} : { token });
      expect(me).toEqual({ status: 401, body: errorBody('unauthorized') });
    });
  });

  describe('malformed requests', () => {
    test('a body over 64 KiB gets 413 payload_too_large', async () => {
      const { status, body } = await http(a, 'POST', '/api/auth/register', {
        rawBody: JSON.stringify({ username: 'big', password: 'x'.repeat(70 * 1024) }),
      });
      expect(status).toBe(413);
      expect(body).toEqual(errorBody('payload_too_large'));
      await expectStillServing();
    });

    test.each([
      ['broken JSON', '{"username": '],
      ['null', 'null'],
      ['a number', '42'],
      ['an array', '[1,2,3]'],
      [
        'a prototype-polluting key',
        '{"__proto__": {"admin": true}, "username": "x", "password": "y"}',
      ],
      ['a deeply nested object', `${'{"a":'.repeat(500)}1${'}'.repeat(500)}`],
    ])('%s gets 400 invalid_input without a stack trace', async (_what, rawBody) => {
      const { status, body } = await http(a, 'POST', '/api/auth/login', { rawBody });
      expect(status).toBe(400);
      expect(body).toEqual(errorBody('invalid_input'));
      expect(JSON.stringify(body)).not.toMatch(/at .*\.(js|ts):\d+/);
      await expectStillServing();
    });

    test('an unknown endpoint is a JSON 404', async () => {
      expect(await http(a, 'GET', '/api/nope')).toEqual({
        status: 404,
        body: errorBody('not_found'),
      });
    });
  });

  describe('rooms and history', () => {
    test('creates public rooms visible to everybody, refusing a taken name in any case', async () => {
      const alice = await registerUser(a);
      const bob = await registerUser(b);
      const name = uniqueName('General');
      const created = await http<{ room: { id: string } }>(a, 'POST', '/api/rooms', {
        token: alice.token,
        body: { name: `  ${name}  ` },
      });
      expect(created.status).toBe(201);
      expect(created.body.room).toEqual({
        id: expect.any(String),
        name,
        kind: 'public',
        createdBy: alice.user.id,
        createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      });
      const list = await http<RoomsResponse>(b, 'GET', '/api/rooms', { token: bob.token });
      expect(list.body.rooms.map((room) => room.id)).toContain(created.body.room.id);

      const again = await http(b, 'POST', '/api/rooms', {
        token: bob.token,
        body: { name: name.toUpperCase() },
      });
      expect(again).toEqual({ status: 409, body: errorBody('conflict') });
    });

    test.each([
      ['an empty name', { name: '   ' }],
      ['a 65-character name', { name: 'n'.repeat(65) }],
      ['an unknown kind', { name: 'fine', kind: 'secret' }],
      ['no body', undefined],
    ])('refuses %s', async (_what, body) => {
      const alice = await registerUser(a);
      const response = await http(a, 'POST', '/api/rooms', { token: alice.token, body });
      expect(response).toEqual({ status: 400, body: errorBody('invalid_input') });
    });

    test('rooms need a token', async () => {
      expect((await http(a, 'GET', '/api/rooms')).status).toBe(401);
      expect((await http(a, 'POST', '/api/rooms', { body: { name: 'x' } })).status).toBe(401);
    });

    test('history pages backwards with before/limit, oldest first, with hasMore', async () => {
      const alice = await registerUser(a);
      const roomId = await createRoom(a, alice.token);
      const socket = await connect(b, alice.token);
      await join(socket, roomId);
      const sent: Message[] = [];
      for (let i = 0; i < 7; i += 1) sent.push(await send(socket, roomId, `message ${i}`));
      socket.close();

      const get = (query: string) =>
        http<{ messages: Message[]; hasMore: boolean }>(
          a,
          'GET',
          `/api/rooms/${roomId}/messages${query}`,
          {
            token: alice.token,
          },
        );
      const newest = await get('?limit=3');
      expect(newest.body).toEqual({ messages: sent.slice(4), hasMore: true });
      const middle = await get(`?limit=3&before=${sent[4]!.id}`);
      expect(middle.body).toEqual({ messages: sent.slice(1, 4), hasMore: true });
      const oldest = await get(`?limit=3&before=${sent[1]!.id}`);
      expect(oldest.body).toEqual({ messages: sent.slice(0, 1), hasMore: false });
      expect((await get('')).body).toEqual({ messages: sent, hasMore: false });

      for (const bad of ['?limit=0', '?limit=101', '?limit=abc', '?before=notanid']) {
        expect((await get(bad)).body).toEqual(errorBody('invalid_input'));
      }
      const unknown = await http(a, 'GET', '/api/rooms/no-such-room/messages', {
        token: alice.token,
      });
      expect(unknown).toEqual({ status: 404, body: errorBody('not_found') });
    });
  });

  describe('health', () => {
    test('/healthz and /readyz answer 200 while Redis is up', async () => {
      expect((await http(a, 'GET', '/healthz')).status).toBe(200);
      expect((await http(a, 'GET', '/readyz')).status).toBe(200);
    });

    test('/metrics is Prometheus text', async () => {
      const response = await fetch(`${a}/metrics`);
      expect(response.status).toBe(200);
      expect(await response.text()).toContain('# TYPE chat_connections gauge');
    });

    test('error bodies never carry more than code and message', async () => {
      const { body } = await http<ErrorResponse>(a, 'POST', '/api/auth/login', { body: {} });
      expect(Object.keys(body.error).sort()).toEqual(['code', 'message']);
    });
  });
});
