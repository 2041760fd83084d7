import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { Redis } from 'ioredis';
import type { AuthResponse, RoomResponse } from '@chat/shared';
import {
  ArchiverProcess,
  freePort,
  ManagedProcess,
  PostgresServer,
  RedisCluster,
  RedisServer,
  REPO_ROOT,
  type RedisMode,
} from '@chat/testkit';
import { sampleProc, sleep } from './proc';

/*
 * The system under test: its own redis-server (ours and baseline), or for ours in
 * REDIS_MODE=cluster its own Redis Cluster (three masters, a replica each), and N
 * server processes on loopback ports, started, restarted and stopped here.
 */

export type TargetName = 'ours' | 'baseline' | 'ceiling';

export { REPO_ROOT };

export interface Account {
  userId: string;
  username: string;
  token: string;
}

export interface RedisCommandStat {
  command: string;
  calls: number;
  /** Time Redis spent executing it (not reading or writing sockets), µs. */
  usec: number;
  usecPerCall: number;
}

export interface Instance {
  name: string;
  port: number;
  proc: ManagedProcess;
}

export class Cluster {
  instances: Instance[] = [];
  redisServer: RedisServer | undefined;
  /** The Redis Cluster, in REDIS_MODE=cluster (`redis`, `redisServer` are then unset). */
  redisCluster: RedisCluster | undefined;
  redis: Redis | undefined;
  redisPort = 0;
  private generation = 0;
  private restarts = 0;
  private readonly runId = randomBytes(3).toString('hex');

  /** Directory for node --cpu-prof output of the instances started next; unset: no profiling. */
  profileDir: string | undefined;
  postgres: PostgresServer | undefined;
  archiver: ArchiverProcess | undefined;
  /** More environment of `ours` instances started next (DATABASE_URL for the archive bench). */
  extraEnv: NodeJS.ProcessEnv = {};

  /** `redisMode` 'cluster' (ours only): the instances run on a Redis Cluster of their own. */
  constructor(
    readonly target: TargetName,
    readonly redisMode: RedisMode = 'single',
  ) {
    if (redisMode === 'cluster' && target !== 'ours')
      throw new Error(`only ours has a Redis Cluster mode, not ${target}`);
  }

  get usesRedis(): boolean {
    return this.target !== 'ceiling';
  }

  async startRedis(): Promise<void> {
    if (!this.usesRedis) return;
    if (this.redisMode === 'cluster') {
      // Production-like failure detection: nothing here fails over on purpose.
      this.redisCluster = await RedisCluster.start({ name: 'redis-cluster', nodeTimeoutMs: 5000 });
      return;
    }
    this.redisServer = await RedisServer.start({
      name: `redis(${this.target})`,
      args: ['--protected-mode', 'yes'],
    });
    this.redisPort = this.redisServer.port;
    this.redis = new Redis({ host: '127.0.0.1', port: this.redisPort, lazyConnect: true });
    this.redis.on('error', () => {});
    await this.redis.connect();
  }

  private command(
    index: number,
    port: number,
    gcHook: boolean,
  ): { args: string[]; env: NodeJS.ProcessEnv } {
    const profile = this.profileDir ? ['--cpu-prof', '--cpu-prof-dir', this.profileDir] : [];
    if (gcHook) profile.push('--expose-gc', '-r', path.join(__dirname, 'gc-hook.js'));
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      PORT: String(port),
      HOST: '127.0.0.1',
    };
    switch (this.target) {
      case 'ours':
        Object.assign(env, {
          ...this.redisEnv(),
          MESSAGE_RATE_PER_SEC: '0',
          // Every bench client shares one address: no per-user or per-address limits
          // (RATE_LIMITS=off covers the registrations per address too).
          RATE_LIMITS: 'off',
          // The bench measures fan-out, not logins: hash passwords as the baseline does
          // (scrypt's default N=2^14), so registering 600 users does not take minutes.
          PASSWORD_SCRYPT_N: '16384',
          LOG_LEVEL: 'warn',
          INSTANCE_ID: `bench-${this.runId}-${this.generation}-${index + 1}`,
          CORS_ORIGIN: 'http://127.0.0.1:3000',
          ...this.extraEnv,
        });
        return { args: [...profile, path.join(REPO_ROOT, 'apps/server/dist/index.js')], env };
      case 'baseline':
        env.REDIS_URL = `redis://127.0.0.1:${this.redisPort}`;
        return { args: [...profile, path.join(__dirname, 'baseline/server.js')], env };
      case 'ceiling':
        if (process.env.BENCH_CEILING_CORK) env.BENCH_CEILING_CORK = process.env.BENCH_CEILING_CORK;
        if (process.env.BENCH_CEILING_FAULT)
          env.BENCH_CEILING_FAULT = process.env.BENCH_CEILING_FAULT;
        return { args: [...profile, path.join(__dirname, 'ceiling/server.js')], env };
    }
  }

  /**
   * Starts `count` fresh server processes (after stopping any running ones).
   * `gcHook`: preload gc-hook.js, so that collectGarbage() can run a full GC.
   */
  async startInstances(count: number, gcHook = false): Promise<void> {
    await this.stopInstances();
    if (this.target === 'ours' && this.redis) await this.clearPresence();
    this.generation += 1;
    this.instances = await Promise.all(
      Array.from({ length: count }, async (_, index) => {
        const port = await freePort();
        const { args, env } = this.command(index, port, gcHook);
        const name = `${this.target}-${index + 1}`;
        const proc = await this.spawn(name, args, env);
        await this.waitReady(proc, port);
        return { name, port, proc };
      }),
    );
  }

  private spawn(name: string, args: string[], env: NodeJS.ProcessEnv): Promise<ManagedProcess> {
    return ManagedProcess.spawn({ name, command: process.execPath, args, env, cwd: REPO_ROOT });
  }

  private async waitReady(proc: ManagedProcess, port: number): Promise<void> {
    const probe = this.target === 'ours' ? '/readyz' : '/healthz';
    try {
      await proc.waitUntilServes(`http://127.0.0.1:${port}${probe}`);
    } catch (error) {
      await proc.stop('SIGKILL');
      throw error;
    }
  }

  /**
   * Stops instance `index` the way a deploy does (SIGTERM: it drains, its
   * clients reconnect) and starts a new process, with a new instance id, on
   * the same port.
   */
  async restartInstance(index: number): Promise<void> {
    const old = this.instances[index];
    if (!old) throw new Error(`no instance ${index}`);
    await old.proc.stop('SIGTERM', { graceMs: 12_000 });
    this.restarts += 1;
    const { args, env } = this.command(index, old.port, false);
    if (env.INSTANCE_ID) env.INSTANCE_ID = `${env.INSTANCE_ID}-r${this.restarts}`;
    const proc = await this.spawn(old.name, args, env);
    await this.waitReady(proc, old.port);
    this.instances[index] = { ...old, proc };
  }

  async stopInstances(): Promise<void> {
    await Promise.all(
      this.instances.map((instance) => instance.proc.stop('SIGTERM', { graceMs: 12_000 })),
    );
    this.instances = [];
  }

  /**
   * Ours keeps presence in Redis per instance id; instances of an earlier
   * scenario that stopped would otherwise be reaped (and announced offline to
   * every socket) in the middle of the next one.
   */
  private async clearPresence(): Promise<void> {
    const redis = this.redis!;
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', 'chat:presence:*', 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  }

  /**
   * `--archive`: a PostgreSQL and one archiver for this cluster's Redis; instances started
   * afterwards get DATABASE_URL (they register the feed). stop() stops both.
   */
  async startArchive(): Promise<void> {
    this.postgres = await PostgresServer.start({ name: `postgres(${this.target})` });
    const databaseUrl = await this.postgres.createDatabase('chat');
    this.extraEnv = { DATABASE_URL: databaseUrl };
    this.archiver = await ArchiverProcess.start({
      ...this.archiverEnv(),
      DATABASE_URL: databaseUrl,
    });
  }

  /** What an archiver needs to reach this cluster's Redis (apps/archiver; the bench adds DATABASE_URL). */
  archiverEnv(): Record<string, string> {
    return this.redisEnv();
  }

  /** REDIS_URL (the node list of the Redis Cluster, in cluster mode) and REDIS_MODE. */
  redisEnv(): Record<string, string> {
    if (this.redisCluster) return { REDIS_URL: this.redisCluster.url, REDIS_MODE: 'cluster' };
    return { REDIS_URL: `redis://127.0.0.1:${this.redisPort}` };
  }

  /**
   * Redis's own CPU seconds so far (INFO CPU: used_cpu_sys + used_cpu_user), summed over the
   * masters (every node, with `allNodes`), or of the one redis-server. A Redis Cluster's nodes
   * are read from its current topology, so a failover is followed.
   */
  async redisCpuSec(allNodes = false): Promise<number> {
    const ports = this.redisCluster
      ? (await this.redisCluster.topology())
          .filter((node) => allNodes || node.role === 'master')
          .map((node) => node.port)
      : this.redisServer
        ? [this.redisServer.port]
        : [];
    const seconds = await Promise.all(
      ports.map(async (port) => {
        const info = this.redisCluster
          ? await this.redisCluster.cli(port, 'INFO', 'cpu')
          : await this.redis!.info('cpu');
        const field = (name: string) =>
          Number(new RegExp(`^${name}:([0-9.]+)`, 'm').exec(info)?.[1] ?? 0);
        return field('used_cpu_sys') + field('used_cpu_user');
      }),
    );
    return seconds.reduce((a, b) => a + b, 0);
  }

  async stop(): Promise<void> {
    await this.stopInstances();
    await this.archiver?.stop('SIGTERM');
    this.archiver = undefined;
    await this.postgres?.destroy();
    this.postgres = undefined;
    this.redis?.disconnect();
    this.redis = undefined;
    await this.redisServer?.destroy();
    this.redisServer = undefined;
    await this.redisCluster?.destroy();
    this.redisCluster = undefined;
  }

  /** Registers `count` users through the instances (round-robin), `concurrency` at a time. */
  async registerUsers(count: number, concurrency: number): Promise<Account[]> {
    if (this.target === 'ceiling') {
      return Array.from({ length: count }, (_, i) => ({
        userId: `user-${i}`,
        username: `user-${i}`,
        token: `token-${i}`,
      }));
    }
    const accounts: Account[] = new Array<Account>(count);
    let next = 0;
    const lane = async () => {
      while (next < count) {
        const i = next++;
        const instance = this.instances[i % this.instances.length]!;
        const username = `b${this.runId}_${i}`;
        const body = await postJson<AuthResponse>(instance.port, '/api/auth/register', {
          username,
          password: 'bench-password-1',
        });
        accounts[i] = { userId: body.user.id, username, token: body.token };
      }
    };
    await Promise.all(Array.from({ length: concurrency }, lane));
    return accounts;
  }

  /**
   * Creates public rooms, spreading creation over users (room creation is
   * rate-limited per user: burst 20).
   */
  async createRooms(names: string[], creators: Account[]): Promise<string[]> {
    if (this.target === 'ceiling') return names.map((name) => `room-${name}`);
    const ids: string[] = [];
    for (let i = 0; i < names.length; i++) {
      const creator = creators[Math.floor(i / 10) % creators.length]!;
      const instance = this.instances[i % this.instances.length]!;
      const body = await postJson<RoomResponse>(
        instance.port,
        '/api/rooms',
        { name: `${names[i]}-${this.runId}` },
        creator.token,
      );
      ids.push(body.room.id);
    }
    return ids;
  }

  /** Zeroes Redis's per-command statistics (CONFIG RESETSTAT). */
  async resetRedisStats(): Promise<void> {
    await this.redis?.config('RESETSTAT');
  }

  /**
   * Redis's per-command statistics since the last reset (INFO commandstats),
   * busiest first. Commands run by Lua scripts are counted too, so a script's
   * time includes theirs.
   */
  async redisCommandStats(): Promise<RedisCommandStat[]> {
    if (!this.redis) return [];
    const info = await this.redis.info('commandstats');
    const stats: RedisCommandStat[] = [];
    for (const match of info.matchAll(
      /^cmdstat_(\S+):calls=(\d+),usec=(\d+),usec_per_call=([\d.]+)/gm,
    )) {
      stats.push({
        command: match[1]!,
        calls: Number(match[2]),
        usec: Number(match[3]),
        usecPerCall: Number(match[4]),
      });
    }
    return stats.sort((a, b) => b.usec - a.usec);
  }

  /**
   * A full garbage collection on the instances at `indexes` (default: all), which must have been
   * started with gcHook: without it, SIGUSR2 ends a Node process.
   */
  async collectGarbage(indexes?: number[]): Promise<void> {
    const chosen = indexes ?? this.instances.map((_, index) => index);
    for (const index of chosen) {
      try {
        process.kill(this.instances[index]!.proc.pid, 'SIGUSR2');
      } catch {
        // gone
      }
    }
    await sleep(500);
  }

  /** V8 heap in use of one instance: /metrics for ours, /debug/memory for the others. */
  async heapBytes(instance: Instance): Promise<number> {
    if (this.target === 'ours') {
      const text = await (await fetch(`http://127.0.0.1:${instance.port}/metrics`)).text();
      const match = /^chat_process_nodejs_heap_size_used_bytes(?:\{[^}]*\})? (\S+)/m.exec(text);
      return match ? Number(match[1]) : NaN;
    }
    const body = (await (await fetch(`http://127.0.0.1:${instance.port}/debug/memory`)).json()) as {
      heapUsed: number;
    };
    return body.heapUsed;
  }

  /** CPU seconds and RSS of every instance and of Redis, right now. */
  sample(): {
    instances: { cpuSec: number; rssBytes: number }[];
    redis: { cpuSec: number; rssBytes: number };
  } {
    return {
      instances: this.instances.map((instance) => sampleProc(instance.proc.pid)),
      redis: this.redisServer ? sampleProc(this.redisServer.pid) : { cpuSec: 0, rssBytes: 0 },
    };
  }
}

export async function postJson<T>(
  port: number,
  pathname: string,
  body: unknown,
  token?: string,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    const response = await fetch(`http://127.0.0.1:${port}${pathname}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    if (response.ok) return JSON.parse(text) as T;
    if (response.status === 429 && attempt < 30) {
      const wait = Number(response.headers.get('retry-after') ?? '1');
      await sleep(Math.max(100, wait * 1000));
      continue;
    }
    throw new Error(`POST ${pathname} on port ${port}: ${response.status} ${text.slice(0, 300)}`);
  }
}
