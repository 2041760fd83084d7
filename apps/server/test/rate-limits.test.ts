import type { Message } from '@chat/shared';
import {
  call,
  connect,
  createRoom,
  http,
  Inbox,
  join,
  registerUser,
  send,
  uniqueName,
} from './support/clients';
import { useCluster } from './support/cluster';

/*
 * Limits hold cluster-wide: a user flooding through two instances at once
 * gets `rate_limited` with a retry hint, nothing of theirs is stored twice or
 * half-stored, and another user's messages keep flowing.
 */

const cluster = useCluster({ instances: 2, config: { messageRatePerSec: 5 } });

test('a flood through two instances is limited as one user; others are unaffected', async () => {
  const flooder = await registerUser(cluster.url(0));
  const calm = await registerUser(cluster.url(1));
  const roomId = await createRoom(cluster.url(0), calm.token);
  const floodA = await connect(cluster.url(0), flooder.token);
  const floodB = await connect(cluster.url(1), flooder.token);
  const calmSocket = await connect(cluster.url(1), calm.token);
  const observer = await connect(cluster.url(0), calm.token);
  const inbox = new Inbox(observer);
  for (const socket of [floodA, floodB, calmSocket, observer]) await join(socket, roomId);

  const flood = Array.from({ length: 60 }, (_, i) =>
    call(i % 2 === 0 ? floodA : floodB, 'message:send', {
      roomId,
      text: `flood ${i}`,
      clientId: `f${i}`,
    }),
  );
  const calmMessages: Message[] = [];
  for (let i = 0; i < 5; i += 1)
    calmMessages.push(await send(calmSocket, roomId, `calm ${i}`, `calm-${i}`));
  const acks = await Promise.all(flood);

  const accepted = acks.filter((ack) => ack.ok);
  const refused = acks.filter((ack) => !ack.ok);
  // Burst of 2 x 5/s = 10, plus what refilled while the flood ran: far fewer than 60.
  expect(accepted.length).toBeGreaterThanOrEqual(10);
  expect(accepted.length).toBeLessThan(30);
  for (const ack of refused) {
    expect(ack).toEqual({
      ok: false,
      error: {
        code: 'rate_limited',
        message: expect.any(String),
        retryAfterMs: expect.any(Number),
      },
    });
  }

  // Every accepted flood message and every calm one is in history exactly once; no refused one is.
  const history = await http<{ messages: Message[] }>(
    cluster.url(1),
    'GET',
    `/api/rooms/${roomId}/messages?limit=100`,
    {
      token: calm.token,
    },
  );
  const byClientId = new Map(history.body.messages.map((message) => [message.clientId, message]));
  expect(history.body.messages).toHaveLength(accepted.length + calmMessages.length);
  for (const ack of accepted) {
    const message = (ack as unknown as { message: Message }).message;
    expect(byClientId.get(message.clientId)).toEqual(message);
  }
  for (const message of calmMessages) expect(byClientId.get(message.clientId)).toEqual(message);

  // And every socket in the room got all of it, in history order.
  expect((await inbox.waitFor(history.body.messages.length)).map((message) => message.id)).toEqual(
    history.body.messages.map((message) => message.id),
  );
  for (const socket of [floodA, floodB, calmSocket, observer]) socket.close();
});

test('login attempts per username are limited across instances, with Retry-After', async () => {
  const username = uniqueName('target');
  await registerUser(cluster.url(0), username);
  const statuses: number[] = [];
  for (let i = 0; i < 12; i += 1) {
    const response = await fetch(`${cluster.url(i % 2)}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password: `guess number ${i}` }),
    });
    statuses.push(response.status);
    if (response.status === 429) {
      expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await response.json()).toEqual({
        error: {
          code: 'rate_limited',
          message: expect.any(String),
          retryAfterMs: expect.any(Number),
        },
      });
    }
  }
  expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401));
  expect(statuses.slice(10)).toEqual([429, 429]);
  // Even the right password waits: the limit does not tell a guesser when they hit it.
  const right = await http(cluster.url(0), 'POST', '/api/auth/login', {
    body: { username, password: 'correct horse battery' },
  });
  expect(right.status).toBe(429);
  // Another username is unaffected.
  const other = await registerUser(cluster.url(1));
  const ok = await http(cluster.url(1), 'POST', '/api/auth/login', {
    body: { username: other.user.username, password: 'correct horse battery' },
  });
  expect(ok.status).toBe(200);
});

test('room creation is limited per user', async () => {
  const user = await registerUser(cluster.url(0));
  const statuses: number[] = [];
  for (let i = 0; i < 22; i += 1) {
    const response = await http(cluster.url(i % 2), 'POST', '/api/rooms', {
      token: user.token,
      body: { name: uniqueName('many') },
    });
    statuses.push(response.status);
  }
  expect(statuses.filter((status) => status === 201).length).toBeGreaterThanOrEqual(20);
  expect(statuses.at(-1)).toBe(429);
});
