import { ServerProcess, type EmbeddedDataDir } from '@chat/testkit';
import {
  call,
  connect,
  createRoom,
  http,
  join,
  nextEvent,
  registerUser,
  send,
  type ClientSocket,
} from '../support/clients';
import { embeddedProcessEnv, migratedDataDir } from '../support/data-dir';
import { addMember, leave, listedRoomIds, members, openDm } from './calls';

/*
 * Embedded mode keeps membership changes (issue 14) in DATA_DIR: an embedded server process
 * stopped and started again on its folder still has the leaver out of the private room
 * (not listed, no history, no join, not in the member list) and the hidden DM hidden, and a
 * new message after the restart still brings the DM back.
 */

let dataDir: EmbeddedDataDir;
let server: ServerProcess;
const sockets: ClientSocket[] = [];

const env = () => embeddedProcessEnv(dataDir.path);
const socketOf = async (token: string) => {
  const socket = await connect(server.url, token);
  sockets.push(socket);
  return socket;
};

beforeAll(async () => {
  dataDir = await migratedDataDir();
  server = await ServerProcess.start(env());
});

afterAll(async () => {
  for (const socket of sockets.splice(0)) socket.close();
  await server.stop('SIGKILL');
  dataDir.remove();
});

test('a leave and a hidden DM survive a restart; a new message still brings the DM back', async () => {
  const [alice, bob] = [await registerUser(server.url), await registerUser(server.url)];
  const secret = await createRoom(server.url, alice.token, undefined, 'private');
  expect((await addMember(server.url, alice.token, secret, bob.user.username)).status).toBe(204);
  const dm = await openDm(server.url, alice.token, bob.user.username);
  const aliceSocket = await socketOf(alice.token);
  await join(aliceSocket, dm.id);
  await send(aliceSocket, dm.id, 'before the restart');

  expect((await leave(server.url, bob.token, secret)).status).toBe(204);
  expect((await leave(server.url, bob.token, dm.id)).status).toBe(204);
  for (const socket of sockets.splice(0)) socket.close();

  expect(await server.stop('SIGTERM')).toBe(0);
  server = await ServerProcess.start(env());

  // Bob is still out of the private room.
  expect(await listedRoomIds(server.url, bob.token)).not.toContain(secret);
  expect(
    (await http(server.url, 'GET', `/api/rooms/${secret}/messages`, { token: bob.token })).status,
  ).toBe(403);
  expect((await members(server.url, alice.token, secret)).body).toEqual({ members: [alice.user] });
  const bobSocket = await socketOf(bob.token);
  expect(await call(bobSocket, 'room:join', { roomId: secret })).toMatchObject({
    ok: false,
    error: { code: 'forbidden' },
  });
  // The DM is still hidden from Bob (and only from him), and he is still a member of it.
  expect(await listedRoomIds(server.url, bob.token)).not.toContain(dm.id);
  expect(await listedRoomIds(server.url, alice.token)).toContain(dm.id);
  expect(new Set((await members(server.url, bob.token, dm.id)).body.members)).toEqual(
    new Set([alice.user, bob.user]),
  );
  // Alice writes again: Bob's socket hears of the DM, and his list has it.
  const back = nextEvent(bobSocket, 'room:added');
  const aliceAgain = await socketOf(alice.token);
  await join(aliceAgain, dm.id);
  await send(aliceAgain, dm.id, 'after the restart');
  expect((await back).id).toBe(dm.id);
  expect(await listedRoomIds(server.url, bob.token)).toContain(dm.id);
});
