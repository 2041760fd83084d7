import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '@chat/shared';
import { ArchiverProcess, PostgresServer } from '@chat/testkit';
import type { Cluster } from '../cluster';
import { nowMs } from '../proc';

/*
 * `npm run bench -- archive`: what one archiver sustains on this machine.
 *  1. drain: the feed pre-filled with `drainMessages` messages (50 rooms, 80-character
 *     texts), one archiver started, timed until the group's lag is 0; its CPU and
 *     PostgreSQL's (all of its processes) from /proc over that time.
 *  2. lag: two instances with DATABASE_URL and one archiver, clients sending at
 *     `sendRate` msg/s for `sendSeconds`; chat_archive_lag_seconds sampled every
 *     250 ms (the age of the oldest uncommitted feed entry, whole group).
 */

export interface ArchiveBenchSettings {
  drainMessages: number;
  sendRate: number;
  sendSeconds: number;
  clients: number;
}

export interface ArchiveBenchResult {
  drain: {
    messages: number;
    seconds: number;
    perSecond: number;
    archiverCores: number;
    postgresCores: number;
  };
  lag: {
    targetRate: number;
    ackedRate: number;
    seconds: number;
    lagP50Sec: number;
    lagP99Sec: number;
    lagMaxSec: number;
    catchUpSec: number;
    archiverCores: number;
    postgresCores: number;
  };
}

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
const TEXT = 'a typical chat message of about eighty characters, with a few words in it, ok?';
const CLOCK_TICKS = 100;

export async function runArchiveBench(
  cluster: Cluster,
  settings: ArchiveBenchSettings,
  log: (line: string) => void,
): Promise<ArchiveBenchResult> {
  const postgres = await PostgresServer.start({ name: 'postgres(bench)' });
  const archivers: ArchiverProcess[] = [];
  try {
    const drainDb = await postgres.createDatabase('drain');
    const drain = await measureDrain(cluster, postgres, drainDb, settings, archivers);
    log(
      `  drain: ${drain.messages} messages in ${drain.seconds.toFixed(1)} s = ${drain.perSecond} msg/s; archiver ${drain.archiverCores} cores, PostgreSQL ${drain.postgresCores} cores`,
    );
    const lagDb = await postgres.createDatabase('lag');
    const lag = await measureLag(cluster, postgres, lagDb, settings, archivers);
    log(
      `  lag at ${lag.targetRate} msg/s (acked ${lag.ackedRate}/s) for ${lag.seconds} s: p50 ${lag.lagP50Sec} s, p99 ${lag.lagP99Sec} s, max ${lag.lagMaxSec} s; caught up ${lag.catchUpSec} s after the last send; archiver ${lag.archiverCores} cores, PostgreSQL ${lag.postgresCores} cores`,
    );
    return { drain, lag };
  } finally {
    await Promise.all(archivers.map((archiver) => archiver.stop('SIGKILL')));
    await postgres.destroy();
  }
}

async function measureDrain(
  cluster: Cluster,
  postgres: PostgresServer,
  databaseUrl: string,
  settings: ArchiveBenchSettings,
  archivers: ArchiverProcess[],
): Promise<ArchiveBenchResult['drain']> {
  const redis = cluster.redis!;
  const prefix = 'drain:';
  const feed = `${prefix}archive:feed`;
  await redis.xgroup('CREATE', feed, 'archivers', '0', 'MKSTREAM');
  // No room streams to copy: mark the backfill done.
  await redis.set(`${prefix}archive:backfilled`, new Date().toISOString());
  const base = Date.now();
  for (let i = 0; i < settings.drainMessages; i += 1000) {
    const pipeline = redis.pipeline();
    for (let j = i; j < Math.min(settings.drainMessages, i + 1000); j += 1) {
      const id = `${base + j}-0`;
      const message = {
        id,
        roomId: `room-${j % 50}`,
        userId: 'user-1',
        username: 'alice',
        text: TEXT,
        clientId: `c${j}`,
        createdAt: new Date(base + j).toISOString(),
      };
      pipeline.xadd(feed, '*', 'm', JSON.stringify(message));
    }
    await pipeline.exec();
  }
  const archiver = await ArchiverProcess.start({
    ...cluster.archiverEnv(),
    DATABASE_URL: databaseUrl,
    REDIS_KEY_PREFIX: prefix,
  });
  archivers.push(archiver);
  const cpu = cpuMeter(archiver.process.pid, postgres.process.pid);
  const started = nowMs();
  await waitForLag(archiver, (lag) => lag === 0);
  const seconds = (nowMs() - started) / 1000;
  const cores = cpu(seconds);
  await archiver.stop('SIGTERM');
  return {
    messages: settings.drainMessages,
    seconds: +seconds.toFixed(2),
    perSecond: Math.round(settings.drainMessages / seconds),
    archiverCores: cores.archiver,
    postgresCores: cores.postgres,
  };
}

async function measureLag(
  cluster: Cluster,
  postgres: PostgresServer,
  databaseUrl: string,
  settings: ArchiveBenchSettings,
  archivers: ArchiverProcess[],
): Promise<ArchiveBenchResult['lag']> {
  cluster.extraEnv = { DATABASE_URL: databaseUrl };
  await cluster.startInstances(2);
  const archiver = await ArchiverProcess.start({
    ...cluster.archiverEnv(),
    DATABASE_URL: databaseUrl,
  });
  archivers.push(archiver);
  const accounts = await cluster.registerUsers(settings.clients, 8);
  const roomIds = await cluster.createRooms(
    Array.from({ length: Math.ceil(settings.clients / 2) }, (_, i) => `archive-${i}`),
    accounts,
  );
  const sockets = await Promise.all(
    accounts.map(async (account, i) => {
      const instance = cluster.instances[i % cluster.instances.length]!;
      const socket: ClientSocket = io(`http://127.0.0.1:${instance.port}`, {
        auth: { token: account.token },
        transports: ['websocket'],
        reconnection: false,
        forceNew: true,
      });
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', resolve);
        socket.once('connect_error', reject);
      });
      const roomId = roomIds[i % roomIds.length]!;
      await socket.timeout(10_000).emitWithAck('room:join', { roomId });
      return { socket, roomId };
    }),
  );
  const samples: number[] = [];
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      samples.push((await lagSeconds(archiver)) ?? 0);
      await sleep(250);
    }
  })();
  const cpu = cpuMeter(archiver.process.pid, postgres.process.pid);
  const perClientMs = (1000 * settings.clients) / settings.sendRate;
  const started = nowMs();
  let acked = 0;
  await Promise.all(
    sockets.map(async ({ socket, roomId }, c) => {
      let next = started + (perClientMs * c) / settings.clients;
      const inFlight: Promise<unknown>[] = [];
      for (let i = 0; nowMs() - started < settings.sendSeconds * 1000; i += 1) {
        const wait = next - nowMs();
        if (wait > 0) await sleep(wait);
        next += perClientMs;
        inFlight.push(
          socket
            .timeout(10_000)
            .emitWithAck('message:send', { roomId, text: TEXT, clientId: `a-${c}-${i}` })
            .then(
              (ack) => {
                if ((ack as { ok: boolean }).ok) acked += 1;
              },
              () => {},
            ),
        );
      }
      await Promise.all(inFlight);
    }),
  );
  const sendSeconds = (nowMs() - started) / 1000;
  const sent = nowMs();
  await waitForLag(archiver, (lag) => lag === 0);
  const catchUpSec = (nowMs() - sent) / 1000;
  const cores = cpu((nowMs() - started) / 1000);
  sampling = false;
  await sampler;
  for (const { socket } of sockets) socket.close();
  await cluster.stopInstances();
  cluster.extraEnv = {};
  const sorted = [...samples].sort((a, b) => a - b);
  const quantile = (q: number) =>
    +(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0).toFixed(2);
  return {
    targetRate: settings.sendRate,
    ackedRate: Math.round(acked / sendSeconds),
    seconds: +sendSeconds.toFixed(1),
    lagP50Sec: quantile(0.5),
    lagP99Sec: quantile(0.99),
    lagMaxSec: +(sorted[sorted.length - 1] ?? 0).toFixed(2),
    catchUpSec: +catchUpSec.toFixed(2),
    archiverCores: cores.archiver,
    postgresCores: cores.postgres,
  };
}

async function lagSeconds(archiver: ArchiverProcess): Promise<number | undefined> {
  return metric(archiver, 'chat_archive_lag_seconds');
}

async function metric(archiver: ArchiverProcess, name: string): Promise<number | undefined> {
  try {
    const text = await (await fetch(`${archiver.url}/metrics`)).text();
    const line = text.split('\n').find((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `));
    return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
  } catch {
    return undefined;
  }
}

async function waitForLag(
  archiver: ArchiverProcess,
  done: (lag: number) => boolean,
): Promise<void> {
  const deadline = nowMs() + 600_000;
  for (;;) {
    const lag = await metric(archiver, 'chat_archive_lag_entries');
    if (lag !== undefined && done(lag)) return;
    if (nowMs() > deadline) throw new Error('the archiver did not catch up within 10 minutes');
    await sleep(50);
  }
}

/** CPU of the archiver and of PostgreSQL (postmaster and its children) since now, in cores. */
function cpuMeter(archiverPid: number, postmasterPid: number) {
  const postgresTicks = () =>
    [postmasterPid, ...childrenOf(postmasterPid)].reduce((sum, pid) => sum + ticks(pid), 0);
  const a0 = ticks(archiverPid);
  const p0 = postgresTicks();
  return (seconds: number) => ({
    archiver: +((ticks(archiverPid) - a0) / CLOCK_TICKS / seconds).toFixed(2),
    postgres: +((postgresTicks() - p0) / CLOCK_TICKS / seconds).toFixed(2),
  });
}

/** utime + stime of `pid` in clock ticks (0 once it is gone). */
function ticks(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0;
  }
}

function childrenOf(pid: number): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((entry) => {
      try {
        return (
          readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1]!.split(' ')[1] === String(pid)
        );
      } catch {
        return false;
      }
    })
    .map(Number);
}
