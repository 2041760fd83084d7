import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';
import type { Room } from '@chat/shared';
import { connect, createRoom, http, join, registerUser, send } from '../support/clients';
import { useCluster } from '../support/cluster';

/*
 * `npm run monitor` printed the text of private rooms' and DMs' messages
 * exactly like public ones, so whoever watched could not tell they were
 * reading private conversations; such lines are now marked [private] / [dm]
 * and the banner says they are shown.
 */

const entry = path.join(__dirname, '..', '..', 'dist', 'cli', 'monitor.js');
const cluster = useCluster({ instances: 1 });

/** Resolves with everything printed so far once `pattern` matches it. */
function output(stream: NodeJS.ReadableStream, pattern: RegExp): Promise<string> {
  let text = '';
  return new Promise((resolve) =>
    stream.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (pattern.test(text)) resolve(text);
    }),
  );
}

test('messages of private rooms and DMs are marked, public ones are not', async () => {
  const monitor: ChildProcessWithoutNullStreams = spawn(process.execPath, [entry], {
    env: { ...process.env, REDIS_URL: cluster.redis.url },
  });
  const stdout = output(monitor.stdout, /in the dm/);
  try {
    const banner = await output(monitor.stderr, /Ctrl-C/);
    expect(banner).toContain('private rooms and DMs are shown too');
    const alice = await registerUser(cluster.url(0));
    const bob = await registerUser(cluster.url(0));
    const publicRoom = await createRoom(cluster.url(0), alice.token);
    const privateRoom = await createRoom(cluster.url(0), alice.token, undefined, 'private');
    const dm = await http<{ room: Room }>(cluster.url(0), 'POST', '/api/dms', {
      token: alice.token,
      body: { username: bob.user.username },
    });
    const socket = await connect(cluster.url(0), alice.token);
    cluster.sockets.push(socket);
    for (const [roomId, text] of [
      [publicRoom, 'in the public room'],
      [privateRoom, 'in the private room'],
      [dm.body.room.id, 'in the dm'],
    ] as const) {
      await join(socket, roomId);
      await send(socket, roomId, text);
    }
    const lines = (await stdout).split('\n');
    const lineOf = (text: string) => lines.find((line) => line.includes(text)) ?? '';
    expect(lineOf('in the public room')).not.toMatch(/\[(private|dm)\]/);
    expect(lineOf('in the private room')).toContain(`[private] room ${privateRoom.slice(0, 8)}`);
    expect(lineOf('in the dm')).toContain(`[dm] room ${dm.body.room.id.slice(0, 8)}`);
  } finally {
    monitor.kill('SIGTERM');
  }
});
