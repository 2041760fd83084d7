import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { connect, createRoom, Inbox, join, registerUser, send } from './support/clients';
import { freePort } from './support/free-port';

/*
 * What a newcomer gets from `npm run dev` on a fresh machine: the built
 * server, no REDIS_URL, a full chat between two clients, a start-up line
 * saying data is in memory, and a clean exit on SIGTERM.
 */

const entry = path.join(__dirname, '..', 'dist', 'index.js');
let child: ChildProcess;
let output = '';
let url: string;

beforeAll(async () => {
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
  };
  delete env.REDIS_URL;
  child = spawn(process.execPath, [entry], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('"msg":"listening"')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${output}`)));
  });
});

afterAll(() => {
  if (child.exitCode === null) child.kill('SIGKILL');
});

test('announces the embedded mode and how to scale out', () => {
  const lines = output
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { msg: string; instance?: string });
  const warning = lines.find((line) => line.msg.startsWith('embedded mode'));
  expect(warning?.msg).toMatch(/memory/);
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
  expect(output).toContain('"msg":"stopped"');
});
