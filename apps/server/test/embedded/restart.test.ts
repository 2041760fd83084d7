import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ServerProcess, type EmbeddedDataDir } from '@chat/testkit';
import { compareMessageIds, type AuthResponse, type Message } from '@chat/shared';
import { LOCK_FILE } from '../../src/embedded/data-dir-lock';
import { embeddedProcessEnv, migratedDataDir } from '../support/data-dir';
import {
  call,
  connect,
  createRoom,
  http,
  join,
  registerUser,
  send,
  type ClientSocket,
} from '../support/clients';

/*
 * What `npm run dev` restarting on every code change must not do: log everybody out and
 * empty the rooms. One embedded server process on its own DATA_DIR, stopped with SIGTERM
 * and started again on the same folder: accounts, sessions, rooms (public, private with
 * members, DM), history and read state are as they were, and what was revoked stays
 * revoked. The same folder shows the lock: a second process is refused, a stale lock is
 * taken over.
 */

const PASSWORD = 'correct horse battery';
let dataDir: EmbeddedDataDir;
let server: ServerProcess;
const sockets: ClientSocket[] = [];

const env = () => embeddedProcessEnv(dataDir.path);
const lockFile = () => path.join(dataDir.path, LOCK_FILE);

beforeAll(async () => {
  dataDir = await migratedDataDir();
  // A lock left behind by a process that is gone (its pid is free now).
  const gone = spawnSync(process.execPath, ['-e', '']).pid;
  writeFileSync(lockFile(), `${gone}\n`);
  server = await ServerProcess.start(env());
});

afterEach(() => {
  for (const socket of sockets.splice(0)) socket.close();
});

afterAll(async () => {
  await server.stop('SIGKILL');
  dataDir.remove();
});

const login = (username: string, password = PASSWORD) =>
  http<AuthResponse>(server.url, 'POST', '/api/auth/login', { body: { username, password } });
const me = (token: string) => http(server.url, 'GET', '/api/me', { token });
const roomsOf = (token: string) => http(server.url, 'GET', '/api/rooms', { token });
const history = (token: string, roomId: string) =>
  http<{ messages: Message[] }>(server.url, 'GET', `/api/rooms/${roomId}/messages`, { token });
const socketOf = async (token: string) => {
  const socket = await connect(server.url, token);
  sockets.push(socket);
  return socket;
};

test('a stale lock left by a dead process is taken over', () => {
  expect(readFileSync(lockFile(), 'utf8').trim()).toBe(String(server.child.pid));
});

test('a second server on the same DATA_DIR fails at start with a clear message and exit code 1', async () => {
  const holder = server.child.pid;
  await expect(ServerProcess.start(env())).rejects.toThrow(
    new RegExp(`exited with 1: .*DATA_DIR .* is in use by another server \\(pid ${holder}\\)`, 's'),
  );
  // The first one still serves, and still holds the lock.
  expect((await http(server.url, 'GET', '/healthz')).status).toBe(200);
  expect(readFileSync(lockFile(), 'utf8').trim()).toBe(String(holder));
});

test('accounts, sessions, rooms, history and read state survive a restart; revocations stay', async () => {
  const [alice, bob, carol, dave] = [
    await registerUser(server.url),
    await registerUser(server.url),
    await registerUser(server.url),
    await registerUser(server.url),
  ] as [AuthResponse, AuthResponse, AuthResponse, AuthResponse];
  const general = await createRoom(server.url, alice.token);
  const secret = await createRoom(server.url, alice.token, undefined, 'private');
  const added = await http(server.url, 'POST', `/api/rooms/${secret}/members`, {
    token: alice.token,
    body: { username: bob.user.username },
  });
  expect(added.status).toBe(204);
  const dm = await http<{ room: { id: string } }>(server.url, 'POST', '/api/dms', {
    token: alice.token,
    body: { username: bob.user.username },
  });
  const rooms = [general, secret, dm.body.room.id];

  const aliceSocket = await socketOf(alice.token);
  const sent: Message[] = [];
  for (const [index, roomId] of rooms.entries()) {
    await join(aliceSocket, roomId);
    for (let i = 0; i <= index + 1; i += 1) sent.push(await send(aliceSocket, roomId, `m${i}`));
  }
  // Bob read general up to its first message and the DM to its end; nothing of `secret`.
  const bobSocket = await socketOf(bob.token);
  for (const roomId of [general, dm.body.room.id]) await join(bobSocket, roomId);
  const readUpTo = [sent[0]!, sent.at(-1)!];
  for (const message of readUpTo)
    expect(
      await call(bobSocket, 'room:read', { roomId: message.roomId, messageId: message.id }),
    ).toEqual({ ok: true });

  // Carol logs in a second time and logs that session out; Dave changes his password from
  // one session, which revokes his other one.
  const carolAgain = (await login(carol.user.username)).body;
  expect(
    (await http(server.url, 'POST', '/api/auth/logout', { token: carolAgain.token })).status,
  ).toBe(204);
  const daveOther = (await login(dave.user.username)).body;
  const changed = await http(server.url, 'POST', '/api/auth/password', {
    token: dave.token,
    body: { currentPassword: PASSWORD, newPassword: 'a new password for dave' },
  });
  expect(changed.status).toBe(204);

  const bobRooms = await roomsOf(bob.token);
  const unread = Object.fromEntries(
    (bobRooms.body as { rooms: { id: string; unread: number }[] }).rooms.map((room) => [
      room.id,
      room.unread,
    ]),
  );
  expect(unread).toEqual({ [general]: 1, [secret]: 3, [dm.body.room.id]: 0 });
  const carolRooms = await roomsOf(carol.token);
  const histories = await Promise.all(rooms.map((roomId) => history(alice.token, roomId)));
  expect(histories.flatMap(({ body }) => body.messages)).toEqual(sent);
  for (const socket of sockets.splice(0)) socket.close();

  expect(await server.stop('SIGTERM')).toBe(0);
  expect(existsSync(lockFile())).toBe(false); // a graceful stop unlocks
  server = await ServerProcess.start(env());

  // Accounts: the same password logs in, the name is still taken.
  expect((await login(alice.user.username)).body.user).toEqual(alice.user);
  expect((await registerUser(server.url, alice.user.username).catch(String)) as string).toMatch(
    /register failed: 409/,
  );
  // Sessions: the old tokens work over HTTP and Socket.IO; the revoked ones stay revoked.
  expect(await me(alice.token)).toEqual({ status: 200, body: { user: alice.user } });
  expect((await me(carol.token)).status).toBe(200);
  expect((await me(carolAgain.token)).status).toBe(401);
  expect((await me(daveOther.token)).status).toBe(401);
  expect((await me(dave.token)).status).toBe(200);
  expect((await login(dave.user.username)).status).toBe(401);
  expect((await login(dave.user.username, 'a new password for dave')).status).toBe(200);
  // Rooms, members, the DM and unread counts (Bob's list), what Carol may see, and history.
  expect(await roomsOf(bob.token)).toEqual(bobRooms);
  expect(await roomsOf(carol.token)).toEqual(carolRooms);
  expect(await Promise.all(rooms.map((roomId) => history(alice.token, roomId)))).toEqual(histories);
  // A rejoin after the newest message misses nothing; a new message's id comes after the old ones.
  const socket = await socketOf(alice.token);
  const newest = sent.filter((message) => message.roomId === general).at(-1)!;
  expect((await join(socket, general, newest.id)).missed).toEqual([]);
  const next = await send(socket, general, 'after the restart');
  for (const message of sent) expect(compareMessageIds(next.id, message.id)).toBeGreaterThan(0);
  expect((await history(bob.token, general)).body.messages.at(-1)).toEqual(next);
});
