import { call, connect, createRoom, join, registerUser, send } from './support/clients';
import { useCluster } from './support/cluster';

/*
 * Issue 16: a socket's set of joined rooms is created at its first join and its joins in
 * progress only while there are some (socket/joined-rooms.ts). Without them a socket behaves
 * as with empty ones, and the first join, a leave, a rejoin and joins side by side behave as
 * they always did.
 */

const cluster = useCluster({ instances: 1 });

async function userSocket() {
  const { token } = await registerUser(cluster.url(0));
  const socket = await connect(cluster.url(0), token);
  cluster.sockets.push(socket);
  const server = cluster.servers[0]!.io.of('/').sockets.get(socket.id!)!;
  return { token, socket, data: server.data };
}

const forbidden = { ok: false, error: { code: 'forbidden', message: expect.any(String) } };

test('a socket that joined nothing holds neither, and may not send', async () => {
  const { token, socket, data } = await userSocket();
  const roomId = await createRoom(cluster.url(0), token);
  expect(data.chatRooms).toBeUndefined();
  expect(data.joining).toBeUndefined();
  expect(await call(socket, 'message:send', { roomId, text: 'hi', clientId: 'c1' })).toEqual(
    forbidden,
  );
});

test('first join, leave, rejoin: sending follows the membership; no join is left in progress', async () => {
  const { token, socket, data } = await userSocket();
  const roomId = await createRoom(cluster.url(0), token);
  await join(socket, roomId);
  expect([...data.chatRooms!]).toEqual([roomId]);
  expect(data.joining).toBeUndefined();
  await send(socket, roomId, 'first');
  expect(await call(socket, 'room:leave', { roomId })).toEqual({ ok: true });
  expect(await call(socket, 'message:send', { roomId, text: 'gone', clientId: 'c2' })).toEqual(
    forbidden,
  );
  await join(socket, roomId);
  await send(socket, roomId, 'back');
  expect(data.joining).toBeUndefined();
});

test('joins side by side (one room twice, another once) all succeed and end with none in progress', async () => {
  const { token, socket, data } = await userSocket();
  const [a, b] = await Promise.all([
    createRoom(cluster.url(0), token),
    createRoom(cluster.url(0), token),
  ]);
  await Promise.all([join(socket, a), join(socket, a), join(socket, b)]);
  expect(new Set(data.chatRooms)).toEqual(new Set([a, b]));
  expect(data.joining).toBeUndefined();
  await send(socket, a, 'to a');
  await send(socket, b, 'to b');
});
