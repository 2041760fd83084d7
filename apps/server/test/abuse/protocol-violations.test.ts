import { randomBytes } from 'node:crypto';
import type { Socket as EngineSocket } from 'engine.io';
import type { AuthResponse } from '@chat/shared';
import { http, registerUser } from '../support/clients';
import { useCluster } from '../support/cluster';
import { bystanders, expectBystandersServed, type Bystanders } from './support/bystanders';
import { expectDocumentedAck, rawHttp } from './support/outcomes';
import { ConnectionClosed, RawSocket } from './support/raw-socket';

/*
 * Raw Engine.IO / Socket.IO protocol violations, sent over a plain websocket
 * (and one over polling), close or refuse only the connection that sent
 * them: the server never crashes, never leaves that connection half-working,
 * and ordinary users connected beforehand, on the same instance and on
 * another, keep sending and receiving.
 */

const cluster = useCluster({ instances: 2 });
let url: string;
let local: Bystanders;
let remote: Bystanders;
let attacker: AuthResponse;
const raws: RawSocket[] = [];

beforeAll(async () => {
  url = cluster.url(0);
  // Connected before every attack: one pair on the attacked instance, one across instances.
  local = cluster.closeAfterAll(await bystanders(cluster, 0, 0));
  remote = cluster.closeAfterAll(await bystanders(cluster, 0, 1));
  attacker = await registerUser(url);
});

afterEach(async () => {
  for (const raw of raws.splice(0)) raw.close();
  await expectBystandersServed(local);
  await expectBystandersServed(remote);
});

async function opened(): Promise<RawSocket> {
  const raw = await RawSocket.open(url);
  raws.push(raw);
  return raw;
}

/** A raw connection that completed the Socket.IO CONNECT with the attacker's token. */
async function connected(): Promise<RawSocket> {
  const raw = await opened();
  expect(await raw.connect({ token: attacker.token })).toMatch(/^40\{"sid":"[^"]+"\}$/);
  return raw;
}

let ackIds = 100;

/**
 * After an abusive frame, the connection either was closed by the server, or
 * (for frames the protocol lets a server ignore) still answers a valid event.
 * Nothing in between: no hang, no half-open connection. The probe is sent
 * right behind the abuse, so the server handles it after the abusive frame.
 */
async function expectClosedOrStillServing(raw: RawSocket): Promise<'closed' | 'serving'> {
  const id = (ackIds += 1);
  if (raw.isOpen) raw.send(`42${id}${JSON.stringify(['room:leave', { roomId: 'probe' }])}`);
  try {
    const frame = await raw.next((received) => received.startsWith(`43${id}[`), `ack ${id}`);
    expectDocumentedAck(JSON.parse(frame.slice(`43${id}`.length))[0], [], 'probe ack');
    return 'serving';
  } catch (error) {
    if (error instanceof ConnectionClosed) return 'closed';
    throw error;
  }
}

test('control: the hand-written client speaks the protocol (join, send, and a bystander receives it)', async () => {
  const raw = await connected();
  expect(await raw.call('room:join', { roomId: local.roomId }, 1)).toMatchObject({ ok: true });
  const before = local.receiverInbox.messages.length;
  const ack = await raw.call(
    'message:send',
    { roomId: local.roomId, text: 'raw hello', clientId: 'raw-1' },
    2,
  );
  expect(ack).toMatchObject({ ok: true, message: { text: 'raw hello', userId: attacker.user.id } });
  const inbox = await local.receiverInbox.waitFor(before + 1);
  expect(inbox.at(-1)).toMatchObject({ text: 'raw hello', userId: attacker.user.id });
  // And a CONNECT without a valid token is refused with CONNECT_ERROR, on an open connection.
  const other = await opened();
  expect(await other.connect({ token: 'guess' })).toBe('44{"message":"unauthorized"}');
});

describe('frames that must close the connection', () => {
  test.each([
    ['a bare "4abc" frame (Engine.IO message, not a Socket.IO packet)', '4abc'],
    ['a frame that is not Engine.IO at all', 'hello world'],
    ['an HTTP request line as a frame', 'GET / HTTP/1.1'],
    ['an empty frame', ''],
    ['a NUL byte', '\u0000'],
    ['an unknown Engine.IO packet type', '9'],
    ['a JSON object instead of a packet', '{"type":2,"data":["room:join"]}'],
    ['an EVENT with broken JSON', '42["room:join",{'],
    ['an EVENT with an empty array', '42[]'],
    ['an EVENT whose payload is an object', '42{"0":"room:join"}'],
    ['an EVENT named "disconnect"', '42["disconnect"]'],
    ['an EVENT named "connect"', '42["connect",{}]'],
    ['an EVENT named "disconnecting"', '42["disconnecting"]'],
    ['an EVENT named "newListener"', '42["newListener","message:send"]'],
    ['a second CONNECT on a connected socket', `40{"token":"x"}`],
    ['a CONNECT_ERROR sent by the client', '44{"message":"x"}'],
    ['an ACK for nothing, with a broken body', '43abc'],
  ])('%s, after CONNECT', async (_what, frame) => {
    const raw = await connected();
    raw.send(frame);
    await raw.expectClosedByServer();
  });

  test.each([
    ['a bare "4abc" frame', '4abc'],
    ['an EVENT before CONNECT', `420["room:join",{"roomId":"x"}]`],
    [
      'an EVENT with an ack before CONNECT, for an event that exists',
      `421["message:send",{"roomId":"x","text":"hi","clientId":"c"}]`,
    ],
    ['a DISCONNECT before CONNECT', '41'],
    ['an ACK before CONNECT', '430[{"ok":true}]'],
  ])('%s, before CONNECT', async (_what, frame) => {
    const raw = await opened();
    raw.send(frame);
    await raw.expectClosedByServer();
    // Nothing was handled for it: no ack ever came back.
    expect(
      raw.frames.some((received) => typeof received === 'string' && received.startsWith('43')),
    ).toBe(false);
  });

  test('several CONNECTs sent at once, before the first is answered: one is accepted at most, and the connection closes', async () => {
    // A second CONNECT after the first one's answer closes the connection (see above). Sent
    // back to back, all of them reach the server while the first handshake still awaits its
    // token check, when no socket exists yet for the namespace.
    const raw = await opened();
    const token = JSON.stringify({ token: attacker.token });
    raw.send(`40${token}`);
    raw.send(`40${token}`);
    raw.send(`40${token}`);
    await raw.next((frame) => frame.startsWith('40') || frame.startsWith('44'), 'CONNECT answer');
    await raw.expectClosedByServer().catch((error: Error) => {
      const accepted = raw.frames.filter(
        (frame) => typeof frame === 'string' && frame.startsWith('40{"sid"'),
      );
      throw new Error(
        `${error.message}\n${accepted.length} CONNECTs accepted on one connection: ${accepted.join(' ')}`,
      );
    });
    const accepted = raw.frames.filter(
      (frame) => typeof frame === 'string' && frame.startsWith('40{"sid"'),
    );
    expect(accepted.length).toBeLessThanOrEqual(1);
  });

  test.each([
    ['before CONNECT', false],
    ['after CONNECT', true],
  ])('binary garbage %s', async (_when, connect) => {
    const raw = connect ? await connected() : await opened();
    raw.send(randomBytes(512));
    await raw.expectClosedByServer();
  });

  test('a binary EVENT whose attachment index points past its attachments', async () => {
    const raw = await connected();
    raw.send('451-["typing",{"_placeholder":true,"num":7}]');
    raw.send(Buffer.from([1, 2, 3]));
    await raw.expectClosedByServer();
  });

  test('a binary EVENT whose attachment never comes, followed by a text EVENT', async () => {
    const raw = await connected();
    raw.send('451-["typing",{"_placeholder":true,"num":0}]');
    raw.send(`42["room:leave",{"roomId":"x"}]`);
    await raw.expectClosedByServer();
  });

  test('a frame beyond maxHttpBufferSize (64 KiB)', async () => {
    const raw = await connected();
    raw.send(
      `42["message:send",${JSON.stringify({ roomId: local.roomId, text: 'a'.repeat(70_000), clientId: 'big' })}]`,
    );
    const closed = await raw.expectClosedByServer();
    expect(closed.code).toBe(1009); // "message too big"
  });

  test('a frame beyond maxHttpBufferSize before CONNECT', async () => {
    const raw = await opened();
    raw.send(`40${JSON.stringify({ token: 'x'.repeat(70_000) })}`);
    await raw.expectClosedByServer();
  });
});

describe('frames a server may ignore: ignored, or the connection closed, never half-open', () => {
  test.each([
    ['an Engine.IO upgrade packet on a websocket', '5'],
    ['an Engine.IO noop packet', '6'],
    ['an unsolicited pong', '3'],
    ['an EVENT with a numeric name', '42[1,2]'],
    ['an EVENT named "error"', '42["error","boom"]'],
    ['an EVENT named "error" with an ack', '4277["error",{"roomId":"x"}]'],
    ['an unknown event with an ack', '4278["admin:kick",{"userId":"*"}]'],
    [
      'an ack id too large for a number',
      '4299999999999999999999999999["room:leave",{"roomId":"x"}]',
    ],
    ['a negative ack id', '42-1["room:leave",{"roomId":"x"}]'],
    ['an ACK the server never asked for', '43999[{"ok":true}]'],
    ['a CONNECT to an unknown namespace', '40/admin,{"token":"x"}'],
    ['an EVENT to an unknown namespace', '42/admin,["room:join",{"roomId":"x"}]'],
    [
      'an EVENT nested 20,000 levels deep',
      `42["room:join",${'['.repeat(20_000)}${']'.repeat(20_000)}]`,
    ],
    [
      'an EVENT carrying __proto__',
      '4279["room:join",{"roomId":"x","__proto__":{"polluted":true}}]',
    ],
  ])('%s', async (_what, frame) => {
    const raw = await connected();
    raw.send(frame);
    await expectClosedOrStillServing(raw);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // An unknown namespace is refused with CONNECT_ERROR, never connected.
    if (frame.startsWith('40/admin')) {
      expect(raw.frames).not.toContainEqual(expect.stringMatching(/^40\/admin,\{"sid"/));
    }
  });

  test('after a namespace DISCONNECT, an event is not handled: dropped, or the connection closed', async () => {
    const raw = await connected();
    expect(await raw.call('room:join', { roomId: local.roomId }, 10)).toMatchObject({ ok: true });
    raw.send('41');
    raw.send(
      `4211${JSON.stringify(['message:send', { roomId: local.roomId, text: 'ghost', clientId: 'ghost' }])}`,
    );
    // Either the server closed the connection for an event without a socket, or it dropped the
    // event and lets the client CONNECT again on the same connection (socket.connect() after
    // disconnect()). Which one depends on whether both frames arrive in one read.
    try {
      expect(await raw.connect({ token: attacker.token })).toMatch(/^40\{"sid"/);
      expect(await raw.call('room:leave', { roomId: 'x' }, 12)).toEqual({ ok: true });
    } catch (error) {
      if (!(error instanceof ConnectionClosed)) throw error;
    }
    // Frames are handled in order: the event sent while disconnected was never acked nor stored.
    expect(raw.frames).not.toContainEqual(expect.stringMatching(/^4311\[/));
    const history = await http<{ messages: { text: string }[] }>(
      url,
      'GET',
      `/api/rooms/${local.roomId}/messages`,
      { token: attacker.token },
    );
    expect(history.body.messages.map((message) => message.text)).not.toContain('ghost');
  });
});

test('a polling session that posts a payload that is not Engine.IO is closed, and only it', async () => {
  const opened = new Promise<EngineSocket>((resolve) =>
    cluster.servers[0]!.io.engine.once('connection', resolve),
  );
  const open = await rawHttp(url, { method: 'GET', path: '/socket.io/?EIO=4&transport=polling' });
  expect(open.status).toBe(200);
  const sid = (JSON.parse(open.text.slice(1)) as { sid: string }).sid;
  const { transport } = await opened;
  const path = `/socket.io/?EIO=4&transport=polling&sid=${sid}`;
  // Like a real polling client, keep a long-poll GET open: the server closes the session
  // through it (without one, Engine.IO keeps the session's close pending for 30 s).
  const pollPending = new Promise((resolve) => transport.once('ready', resolve));
  const longPoll = rawHttp(url, { method: 'GET', path });
  await pollPending;
  const post = await rawHttp(url, {
    method: 'POST',
    path,
    headers: { 'content-type': 'text/plain;charset=UTF-8' },
    body: 'this is not engine.io\u001e\u0000\u0001',
  });
  expect([200, 400]).toContain(post.status);
  // The long poll is answered with Engine.IO's close packet…
  expect(await longPoll).toMatchObject({ status: 200, text: '1' });
  // …and the session is gone: its next poll is refused as unknown.
  const poll = await rawHttp(url, { method: 'GET', path });
  expect(poll.status).toBe(400);
  expect(JSON.parse(poll.text)).toEqual({ code: 1, message: 'Session ID unknown' });
});

test('a polling request for a session that does not exist is 400, and nothing else happens', async () => {
  const poll = await rawHttp(url, {
    method: 'POST',
    path: '/socket.io/?EIO=4&transport=polling&sid=AAAAAAAAAAAAAAAAAAAA',
    headers: { 'content-type': 'text/plain;charset=UTF-8' },
    body: '42["room:join",{"roomId":"x"}]',
  });
  expect(poll.status).toBe(400);
  expect(JSON.parse(poll.text)).toEqual({ code: 1, message: 'Session ID unknown' });
});
