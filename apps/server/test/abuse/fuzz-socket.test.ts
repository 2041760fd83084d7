import fc from 'fast-check';
import { LIMITS, type AuthResponse, type ErrorCode, type Message } from '@chat/shared';
import {
  connect,
  createRoom,
  http,
  Inbox,
  join,
  registerUser,
  type ClientSocket,
} from '../support/clients';
import { useCluster } from '../support/cluster';
import { hostile, nastyString, ownProperties, randomId } from './support/arbitraries';
import { expectNewUsersServed } from './support/bystanders';
import { expectDocumentedAck, expectNoPasswordHashReceived } from './support/outcomes';

/*
 * Every client-to-server Socket.IO event, fuzzed with random and hostile
 * payloads (wrong types, missing or extra arguments, binary attachments,
 * huge strings within the 64 KiB frame, deep nesting, prototype-pollution
 * keys, lone surrogates, NUL bytes, direction overrides, random and internal
 * room ids), gets exactly one ack in the protocol's shape with a documented
 * code; the socket stays connected; nothing reaches rooms the sender may not
 * see; identity fields in payloads are ignored; and afterwards new users on
 * both instances are served. Two instances on one Redis.
 */

const RUNS = 150;

// Huge strings stay below the 64 KiB frame (a bigger frame closes the connection: limits.test.ts).
const { adversarialString, messageIdish, nastyJson, shaped } = hostile({
  maxHuge: 8000,
  binary: true,
});

const cluster = useCluster({ instances: 2 });
let alice: AuthResponse;
let publicRoom: string;
let privateRoom: string;
let dmRoom: string;
/** Alice's socket, in her private room and DM: nothing a fuzzer sends may arrive there. */
let watcher: ClientSocket;
let watcherInbox: Inbox;

beforeAll(async () => {
  alice = await registerUser(cluster.url(0));
  const bob = await registerUser(cluster.url(0));
  publicRoom = await createRoom(cluster.url(0), alice.token);
  privateRoom = await createRoom(cluster.url(0), alice.token, undefined, 'private');
  const dm = await http<{ room: { id: string } }>(cluster.url(0), 'POST', '/api/dms', {
    token: alice.token,
    body: { username: bob.user.username },
  });
  dmRoom = dm.body.room.id;
  watcher = cluster.closeAfterAll(await connect(cluster.url(1), alice.token));
  watcherInbox = new Inbox(watcher);
  for (const roomId of [publicRoom, privateRoom, dmRoom]) await join(watcher, roomId);
});

afterAll(() => {
  expectNoPasswordHashReceived();
});

interface Fuzzer {
  user: AuthResponse['user'];
  socket: ClientSocket;
  ownRoom: string;
  /** Why the server disconnected the socket, if it did. */
  disconnected?: string;
}

/**
 * A fresh user and socket per property (each property stays well inside
 * one connection's event budget), joined to the public room and owning a
 * private room of its own, so valid payloads reach past validation.
 */
async function fuzzer(): Promise<Fuzzer> {
  const session = await registerUser(cluster.url(0));
  const ownRoom = await createRoom(cluster.url(0), session.token, undefined, 'private');
  const socket = await connect(cluster.url(0), session.token);
  cluster.closeAfterAll(socket);
  await join(socket, publicRoom);
  await join(socket, ownRoom);
  const who: Fuzzer = { user: session.user, socket, ownRoom };
  socket.on('disconnect', (reason, details) => {
    const description = (details as { description?: unknown } | undefined)?.description;
    who.disconnected ??= `${reason}${description === undefined ? '' : ` (${String(description)})`}`;
  });
  return who;
}

/** Room ids: real ones (readable or not), Socket.IO's internal rooms, random and hostile ids. */
function roomIdFor(who: () => Fuzzer): fc.Arbitrary<unknown> {
  return fc.oneof(
    fc.constantFrom('public', 'private', 'dm', 'own', 'socket', 'user', 'session').map(
      (which) =>
        new Lazy(() => {
          const { socket, user, ownRoom } = who();
          return {
            public: publicRoom,
            private: privateRoom,
            dm: dmRoom,
            own: ownRoom,
            socket: socket.id ?? 'no-id',
            user: `user:${user.id}`,
            session: 'session:x',
          }[which];
        }),
    ),
    randomId,
    nastyString,
    fc.constantFrom('x'.repeat(64), 'x'.repeat(65), ''),
  );
}

/** A value decided when the property runs (room ids exist only after beforeAll). */
class Lazy {
  constructor(readonly get: () => unknown) {}
  toString() {
    return '<lazy>';
  }
}

function resolveLazy(value: unknown): unknown {
  if (value instanceof Lazy) return value.get();
  if (Array.isArray(value)) return value.map(resolveLazy);
  if (value && typeof value === 'object' && !Buffer.isBuffer(value)) {
    return ownProperties(Object.entries(value).map(([key, inner]) => [key, resolveLazy(inner)]));
  }
  return value;
}

type Args = { args: unknown[]; description: string };

/**
 * The arguments of an emit: usually `(payload, ack)`, sometimes no payload
 * (`emit(event, ack)`), an extra argument before the ack, or a payload that
 * is not an object at all.
 */
function argsFor(payload: fc.Arbitrary<unknown>): fc.Arbitrary<Args> {
  return fc.oneof(
    { weight: 8, arbitrary: payload.map((p) => ({ args: [p], description: 'payload' })) },
    { weight: 2, arbitrary: nastyJson.map((p) => ({ args: [p], description: 'any value' })) },
    { weight: 1, arbitrary: fc.constant<Args>({ args: [], description: 'no payload' }) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(payload, nastyJson)
        .map(([p, extra]) => ({ args: [p, extra], description: 'extra argument' })),
    },
  );
}

/** Emits with an ack; fails when no ack comes within 5 s (a hang) or the socket drops. */
async function emit(socket: ClientSocket, event: string, args: unknown[]): Promise<unknown> {
  const timed = socket.timeout(5000) as unknown as {
    emitWithAck(event: string, ...args: unknown[]): Promise<unknown>;
  };
  try {
    return await timed.emitWithAck(event, ...args);
  } catch (error) {
    throw new Error(
      `no ack for ${event} (${socket.connected ? 'still connected' : 'disconnected'}): ${String(error)}`,
      { cause: error },
    );
  }
}

/** Bytes of the Socket.IO frame, roughly (Buffers travel as attachments, counted in full). */
function encodedSize(args: unknown[]): number {
  return Buffer.byteLength(JSON.stringify(args) ?? '');
}

/** How many binary attachments Socket.IO will send for these arguments. */
function attachments(value: unknown): number {
  if (Buffer.isBuffer(value)) return 1;
  if (value === null || typeof value !== 'object') return 0;
  return Object.values(value).reduce<number>((sum, inner) => sum + attachments(inner), 0);
}

function show(args: unknown[]): string {
  const text = JSON.stringify(args, (_key, value: unknown) =>
    typeof value === 'string' && value.length > 80
      ? `${value.slice(0, 80)}…(${value.length})`
      : value,
  );
  return (text ?? 'undefined').slice(0, 400);
}

/** Fuzzes one event; `check` adds the event's own invariants on successful acks. */
async function fuzzEvent(
  event: string,
  codes: ErrorCode[],
  payload: (who: () => Fuzzer) => fc.Arbitrary<unknown>,
  check: (who: Fuzzer, args: unknown[], ack: Record<string, unknown>) => void,
  /** Valid payloads run first, so every property surely reaches past validation. */
  examples: ((who: Fuzzer) => unknown)[],
): Promise<void> {
  const who = await fuzzer();
  const watcherBefore = watcherInbox.messages.length;
  let succeeded = 0;
  await fc.assert(
    fc.asyncProperty(argsFor(payload(() => who)), async ({ args: lazyArgs }) => {
      const args = lazyArgs.map(resolveLazy);
      // Frames over 64 KiB, and packets with over 10 binary attachments (socket.io-parser's
      // maxAttachments), close the connection by design; limits.test.ts covers both.
      fc.pre(encodedSize(args) < 60_000 && attachments(args) <= 10);
      const where = `${event} ${show(args)}`;
      if (who.disconnected) throw new Error(`disconnected (${who.disconnected}) before ${where}`);
      const ack = await emit(who.socket, event, args).catch((error: Error) => {
        throw new Error(`${error.message}; disconnect reason: ${who.disconnected}`);
      });
      expectDocumentedAck(ack, codes, where);
      if ((ack as { ok: boolean }).ok) {
        succeeded += 1;
        check(who, args, ack as Record<string, unknown>);
      }
      if (who.disconnected) throw new Error(`${where}: disconnected (${who.disconnected})`);
    }),
    // The socket is state: shrinking after a failure would replay inputs on a changed (maybe
    // disconnected) socket and report a misleading minimal case, so report the first failure.
    {
      numRuns: RUNS,
      endOnFailure: true,
      examples: examples.map((example): [Args] => [
        { args: [new Lazy(() => example(who))], description: 'example' },
      ]),
    },
  );
  expect(succeeded).toBeGreaterThanOrEqual(examples.length);
  // Nothing the fuzzer sent reached the rooms it may not see.
  const leaked = watcherInbox.messages
    .slice(watcherBefore)
    .filter((message) => message.userId === who.user.id && message.roomId !== publicRoom);
  expect(leaked).toEqual([]);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
}

const payloadOf = (args: unknown[]) => args[0] as Record<string, unknown>;

describe('every event answers fuzzed payloads with a documented ack', () => {
  test('room:join', async () => {
    await fuzzEvent(
      'room:join',
      ['invalid_input', 'not_found', 'forbidden', 'rate_limited'],
      (who) => shaped({ roomId: roomIdFor(who), after: messageIdish }),
      (who, args, ack) => {
        const { roomId, after } = payloadOf(args);
        // Only rooms the user may read: the public room and its own.
        expect([publicRoom, who.ownRoom]).toContain(roomId);
        expect(ack).toEqual({
          ok: true,
          room: expect.objectContaining({ id: roomId }),
          missed: expect.any(Array),
          complete: expect.any(Boolean),
          updated: [],
        });
        if (after === undefined) expect(ack.missed).toEqual([]);
        expect((ack.missed as Message[]).length).toBeLessThanOrEqual(LIMITS.missedMax);
        for (const message of ack.missed as Message[]) expect(message.roomId).toBe(roomId);
      },
      [
        () => ({ roomId: publicRoom }),
        () => ({ roomId: publicRoom, after: '0-0', userId: alice.user.id }),
        (who) => ({ roomId: who.ownRoom, username: alice.user.username }),
      ],
    );
  });

  test('room:leave', async () => {
    await fuzzEvent(
      'room:leave',
      ['invalid_input'],
      (who) => shaped({ roomId: roomIdFor(who) }),
      () => {},
      [() => ({ roomId: 'never joined' })],
    );
  });

  test('message:send', async () => {
    const sent = new Map<string, Message>();
    await fuzzEvent(
      'message:send',
      ['invalid_input', 'forbidden', 'rate_limited'],
      (who) =>
        shaped({
          roomId: roomIdFor(who),
          text: fc.oneof(adversarialString, fc.string({ minLength: 1, maxLength: 50 })),
          clientId: fc.oneof(fc.uuid(), nastyString, fc.constantFrom('a', 'b', 'x'.repeat(64))),
        }),
      (who, args, ack) => {
        const payload = payloadOf(args);
        const message = ack.message as Message;
        expect(Object.keys(ack).sort()).toEqual(['message', 'ok']);
        // The sender is whoever the token says; a payload's userId or username changes nothing.
        expect(message).toMatchObject({ userId: who.user.id, username: who.user.username });
        // Dedupe is per room (issue 12): the key is the room and the clientId.
        const sentKey = `${message.roomId} ${message.clientId}`;
        const original = sent.get(sentKey);
        if (original) {
          // A repeated clientId in a room returns the original message, whatever the resend said.
          expect(message).toEqual(original);
        } else {
          expect(message).toMatchObject({
            roomId: payload.roomId,
            clientId: payload.clientId,
            text: (payload.text as string).trim(),
          });
          expect([publicRoom, who.ownRoom]).toContain(message.roomId);
          expect(message.text.isWellFormed()).toBe(true);
          sent.set(sentKey, message);
        }
      },
      [
        () => ({
          roomId: publicRoom,
          text: ' \u202Eevil\u0000 <script>alert(1)</script> ',
          clientId: 'example-1',
          userId: alice.user.id,
          username: alice.user.username,
        }),
        (who) => ({ roomId: who.ownRoom, text: '😀', clientId: 'example-2' }),
        // The same clientId naming another room: a new message there (dedupe is per room).
        () => ({ roomId: publicRoom, text: 'other', clientId: 'example-2' }),
      ],
    );
  });

  test('typing', async () => {
    await fuzzEvent(
      'typing',
      ['invalid_input', 'forbidden', 'rate_limited'],
      (who) => shaped({ roomId: roomIdFor(who), typing: fc.boolean() }),
      (who, args) => {
        expect([publicRoom, who.ownRoom]).toContain(payloadOf(args).roomId);
      },
      [
        () => ({ roomId: publicRoom, typing: true, userId: alice.user.id }),
        (who) => ({ roomId: who.ownRoom, typing: false }),
      ],
    );
  });

  test('room:read', async () => {
    await fuzzEvent(
      'room:read',
      ['invalid_input', 'not_found', 'forbidden', 'rate_limited'],
      (who) => shaped({ roomId: roomIdFor(who), messageId: messageIdish }),
      (who, args) => {
        expect([publicRoom, who.ownRoom]).toContain(payloadOf(args).roomId);
      },
      [
        () => ({ roomId: publicRoom, messageId: '1-0', userId: alice.user.id }),
        (who) => ({ roomId: who.ownRoom, messageId: '9999999999999999-9999999999999999' }),
      ],
    );
  });
});

describe('edge cases of the event API', () => {
  test('an event without an ack is ignored: joining without an ack joins nothing', async () => {
    const who = await fuzzer();
    const roomId = await createRoom(cluster.url(0), alice.token);
    (who.socket as unknown as { emit(event: string, payload: unknown): void }).emit('room:join', {
      roomId,
    });
    // Handled in order: by the time this ack comes, the ack-less join was handled (ignored).
    const ack = await emit(who.socket, 'message:send', [{ roomId, text: 'x', clientId: 'no-ack' }]);
    expectDocumentedAck(ack, ['forbidden'], 'send after an ack-less join');
    expect(ack).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });

  test('every event with a payload carrying __proto__ and constructor.prototype is handled without pollution', async () => {
    const who = await fuzzer();
    const poison = JSON.parse(
      `{"roomId":"${publicRoom}","text":"hi","clientId":"p1","typing":true,"messageId":"1-1",` +
        '"__proto__":{"polluted":true,"ok":true},"constructor":{"prototype":{"polluted":true}}}',
    ) as Record<string, unknown>;
    for (const event of ['room:join', 'message:send', 'typing', 'room:read', 'room:leave']) {
      const ack = await emit(who.socket, event, [poison]);
      expectDocumentedAck(
        ack,
        ['invalid_input', 'forbidden', 'not_found', 'rate_limited'],
        `${event} with __proto__`,
      );
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.keys(Object.prototype)).toEqual([]);
    expect(who.socket.connected).toBe(true);
  });

  test('unknown events, even with an ack, change nothing and do not disconnect', async () => {
    const who = await fuzzer();
    const raw = who.socket as unknown as {
      emit(event: string, ...args: unknown[]): void;
    };
    const answered: string[] = [];
    for (const event of ['admin:kick', 'room:delete', 'message:pin', 'presence', 'error', '']) {
      raw.emit(event, { roomId: publicRoom, userId: alice.user.id }, () => answered.push(event));
    }
    const ack = await emit(who.socket, 'room:leave', [{ roomId: 'x' }]);
    expect(ack).toEqual({ ok: true });
    expect(answered).toEqual([]);
    expect(who.socket.connected).toBe(true);
  });

  test('a binary attachment in place of every field is invalid_input', async () => {
    const who = await fuzzer();
    const bytes = Buffer.from([0xff, 0xfe, 0x00, 0xd8]);
    for (const [event, payload] of [
      ['room:join', { roomId: bytes }],
      ['message:send', { roomId: publicRoom, text: bytes, clientId: 'bin' }],
      ['message:send', { roomId: publicRoom, text: 'x', clientId: bytes }],
      ['typing', { roomId: publicRoom, typing: bytes }],
      ['room:read', { roomId: publicRoom, messageId: bytes }],
      ['room:leave', bytes],
    ] as const) {
      const ack = await emit(who.socket, event, [payload]);
      expectDocumentedAck(ack, ['invalid_input'], `${event} with a Buffer`);
      expect(ack).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    }
  });
});

test('after the fuzzing, new users on both instances register, join, send and receive', async () => {
  await expectNewUsersServed(cluster, [1, 0]);
  await expectNewUsersServed(cluster, [0, 1]);
  expect(watcher.connected).toBe(true);
});
