import type { ChildProcess } from 'node:child_process';
import { ServerProcess } from '@chat/testkit';
import { connect, createRoom, Inbox, join, registerUser, send } from './support/clients';

/*
 * What a newcomer gets from `npm run dev` on a fresh machine: the built
 * server, no REDIS_URL, a full chat between two clients, a start-up line
 * saying where its state is kept (DATA_DIR) and how to reset it, and a clean
 * exit on SIGTERM.
 */

let server: ServerProcess;
let child: ChildProcess;
let url: string;

beforeAll(async () => {
  server = await ServerProcess.start({ REDIS_URL: undefined });
  child = server.child;
  url = server.url;
});

afterAll(async () => {
  await server.stop('SIGKILL');
});

test('announces the embedded mode and how to scale out', () => {
  const lines = server.process.stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { msg: string; instance?: string; dataDir?: string });
  const warning = lines.find((line) => line.msg.startsWith('embedded mode'));
  // The test kit gave it a DATA_DIR of its own: the line names it, and how to start afresh.
  expect(warning?.dataDir).toMatch(/chat-data-/);
  expect(warning?.msg).toContain(
    `kept in ${warning?.dataDir} (delete that folder to start afresh)`,
  );
  expect(warning?.msg).toMatch(/REDIS_URL/);
  expect(lines.find((line) => line.msg === 'listening')?.instance).toEqual(expect.any(String));
});

test('two clients chat with no Redis at all', async () => {
  const alice = await registerUser(url);
  const bob = await registerUser(url);
  const roomId = await createRoom(url, alice.token);
  const aliceSocket = await connect(url, alice.token);
  const bobSocket = await connect(url, bob.token);
  const bobInbox = new Inbox(bobSocket);
  const aliceInbox = new Inbox(aliceSocket);
  await join(aliceSocket, roomId);
  await join(bobSocket, roomId);
  const hello = await send(aliceSocket, roomId, 'hello bob');
  const reply = await send(bobSocket, roomId, 'hello alice');
  expect(await bobInbox.waitFor(2)).toEqual([hello, reply]);
  expect(await aliceInbox.waitFor(2)).toEqual([hello, reply]);
  aliceSocket.close();
  bobSocket.close();
});

test('SIGTERM stops it gracefully with exit code 0', async () => {
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  expect(await exited).toBe(0);
  expect(server.output).toContain('"msg":"stopped"');
});
