// What one append costs Redis in instructions, which unlike microseconds do not depend on how
// busy the machine is (issue 16, docs/BENCHMARKS.md "A cheaper append"): a redis-server of its
// own under `valgrind --tool=callgrind`, appends through the server's MessageLog (its real
// scripts, rate limit on, then off, 80-character texts over 60 rooms), then instructions per EVALSHA
// (its nested commands included) and, for scale, per EVALSHA of an empty script given the same
// keys and arguments. Needs valgrind (Debian: apt-get install -y valgrind); takes about a minute.
// Run: npm run build -w @chat/shared -w @chat/testkit -w @chat/server &&
// node scripts/append-instructions.mjs [count]
import { spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { Redis } from 'ioredis';
import serverConfig from '../apps/server/dist/config.js';
import serverBackend from '../apps/server/dist/redis/backend.js';

const count = Number(process.argv[2] ?? 1000);
const dir = mkdtempSync(path.join(tmpdir(), 'append-instructions-'));

const port = await new Promise((resolve) => {
  const probe = createServer().listen(0, '127.0.0.1', () => {
    const { port: free } = probe.address();
    probe.close(() => resolve(free));
  });
});

/** Runs `work` against a fresh redis-server under callgrind; returns EVALSHA's instructions. */
async function instructionsPerCall(work) {
  const out = path.join(dir, `callgrind-${randomUUID()}.out`);
  const valgrind = spawn(
    'valgrind',
    [
      '--tool=callgrind',
      `--callgrind-out-file=${out}`,
      'redis-server',
      '--port',
      String(port),
      '--save',
      '',
      '--appendonly',
      'no',
    ],
    { stdio: 'ignore' },
  );
  const stop = () => valgrind.kill('SIGKILL');
  process.once('exit', stop);
  // Commands wait in ioredis's offline queue while the server starts (slowly, under valgrind).
  const admin = new Redis(port, { maxRetriesPerRequest: null });
  admin.on('error', () => {});
  await admin.ping();
  const calls = await work();
  admin.disconnect();
  // Not through ioredis: it would retry the command on the connection the shutdown closes.
  spawnSync('redis-cli', ['-p', String(port), 'SHUTDOWN', 'NOSAVE']);
  await new Promise((resolve) => valgrind.on('exit', resolve));
  process.off('exit', stop);
  const annotated = spawnSync('callgrind_annotate', ['--inclusive=yes', out], {
    encoding: 'utf8',
  }).stdout;
  const line = annotated.split('\n').find((l) => l.includes('evalShaCommand'));
  if (!line) throw new Error('no evalShaCommand in the callgrind output');
  return Number(line.trim().split(/\s+/)[0].replaceAll(',', '')) / calls;
}

const rooms = Array.from({ length: 60 }, () => randomUUID());
/** Appends `count` messages with the per-user rate limit at `ratePerSec` (0: off). */
const appendsAt = (ratePerSec) =>
  instructionsPerCall(async () => {
    const subscribers = [];
    for (let i = 0; i < 2; i += 1) {
      const subscriber = new Redis(port);
      await subscriber.subscribe('MESSAGES');
      subscribers.push(subscriber);
    }
    const backend = serverBackend.createRedisBackend(
      serverConfig.configWith({
        redisUrl: `redis://127.0.0.1:${port}`,
        instanceId: 'instructions',
        logLevel: 'silent',
      }),
      pino({ level: 'silent' }),
      { onDropped: () => {} },
    );
    await backend.start();
    for (let i = 0; i < count; i += 1)
      await backend.messageLog.append(
        {
          roomId: rooms[i % 60],
          userId: `u${i % 600}`,
          username: `user${i % 600}`,
          text: 'x'.repeat(80),
          clientId: randomUUID(),
        },
        { ratePerSec, burst: Math.max(1, ratePerSec) },
      );
    await backend.close();
    for (const subscriber of subscribers) subscriber.disconnect();
    // EVALSHA falls back to EVAL once (the script cache starts empty): count only EVALSHAs.
    return count - 1;
  });
const appends = await appendsAt(1_000_000);
const unlimited = await appendsAt(0);
const empty = await instructionsPerCall(async () => {
  const client = new Redis(port);
  const sha = await client.script('LOAD', 'return 1');
  const keys = Array.from({ length: 9 }, (_, i) => `key${i}`);
  for (let i = 0; i < count; i += 1)
    await client.evalsha(
      sha,
      keys.length,
      ...keys,
      ...Array.from({ length: 14 }, () => randomUUID()),
    );
  client.disconnect();
  return count;
});
console.log(
  `append.lua: ${Math.round(appends).toLocaleString('en')} instructions per append (EVALSHA, nested commands included)`,
);
console.log(
  `append.lua with the rate limit off: ${Math.round(unlimited).toLocaleString('en')} instructions per append`,
);
console.log(
  `empty script, same 9 keys and 14 arguments: ${Math.round(empty).toLocaleString('en')} instructions per call`,
);
rmSync(dir, { recursive: true, force: true });
