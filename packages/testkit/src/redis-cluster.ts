import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { requireBinary } from './binaries';
import { freePorts } from './free-port';
import { RedisServer } from './redis-server';
import type { Service } from './service';
import { waitUntil } from './wait';

const run = promisify(execFile);

export interface RedisClusterOptions {
  /** Masters; default 3 (each with `replicas` replicas). */
  masters?: number;
  /** Replicas per master; default 1. */
  replicas?: number;
  /**
   * cluster-node-timeout in ms: how long a master may be silent before its replica takes
   * over. Default 1000 (a test's failover within a couple of seconds; production uses 15000).
   */
  nodeTimeoutMs?: number;
  /** More redis-server arguments for every node (ACL users, passwords...). */
  args?: string[];
  name?: string;
}

/** One node as CLUSTER NODES describes it. */
export interface ClusterNodeInfo {
  id: string;
  port: number;
  role: 'master' | 'replica';
  /** The master's id, for a replica. */
  masterId: string | undefined;
  /** Slot ranges [from, to] it serves (masters). */
  slots: [number, number][];
  /** `fail` or `fail?` in its flags: the cluster considers it down. */
  failing: boolean;
}

/**
 * A real Redis Cluster of its owner's: `masters × (1 + replicas)` redis-servers on free
 * ports of 127.0.0.1 (each with its own data folder and a free cluster-bus port, so no
 * port + 10000 clash), joined by `redis-cli --cluster create --cluster-replicas N`, and
 * resolved once every node reports `cluster_state:ok` and agrees on the slots. Its URL is
 * the comma-separated list of every node, as REDIS_MODE=cluster takes REDIS_URL. Its owner
 * may kill a master (its replica takes over after the node timeout) or move a slot.
 */
export class RedisCluster implements Service {
  private constructor(
    readonly name: string,
    readonly nodes: RedisServer[],
  ) {}

  static async start(options: RedisClusterOptions = {}): Promise<RedisCluster> {
    requireBinary('redis-cli', 'apt-get install -y redis-server   (macOS: brew install redis)');
    const masters = options.masters ?? 3;
    const replicas = options.replicas ?? 1;
    const count = masters * (1 + replicas);
    const ports = await freePorts(count * 2);
    const name = options.name ?? 'redis-cluster';
    const nodes: RedisServer[] = [];
    try {
      for (let i = 0; i < count; i += 1) {
        nodes.push(
          await RedisServer.start({
            name: `${name}-${i}`,
            port: ports[i],
            args: [
              '--cluster-enabled',
              'yes',
              '--cluster-port',
              String(ports[count + i]),
              '--cluster-config-file',
              `nodes-${ports[i]}.conf`,
              '--cluster-node-timeout',
              String(options.nodeTimeoutMs ?? 1000),
              // A replica that lost its master takes over however long it was disconnected.
              '--cluster-replica-validity-factor',
              '0',
              // A replica's first full sync starts at once, not after Redis 7's default 5 s
              // wait for more replicas (waitHealthy waits for it).
              '--repl-diskless-sync-delay',
              '0',
              ...(options.args ?? []),
            ],
          }),
        );
      }
      await run(
        'redis-cli',
        [
          '--cluster',
          'create',
          ...nodes.map((node) => `127.0.0.1:${node.port}`),
          '--cluster-replicas',
          String(replicas),
          '--cluster-yes',
          ...authArgs(options.args),
        ],
        { timeout: 60_000 },
      );
      const cluster = new RedisCluster(name, nodes);
      await cluster.waitHealthy();
      return cluster;
    } catch (error) {
      await Promise.allSettled(nodes.map((node) => node.destroy()));
      throw error;
    }
  }

  /** Every node, comma separated: REDIS_URL for REDIS_MODE=cluster. */
  get url(): string {
    return this.nodes.map((node) => node.url).join(',');
  }

  /** A redis-cli command on the node at `port`; its output, trimmed. */
  async cli(port: number, ...args: string[]): Promise<string> {
    const { stdout } = await run('redis-cli', ['-p', String(port), ...args], { timeout: 20_000 });
    return stdout.trim();
  }

  /** The cluster as the node at `port` (default: the first running one) sees it. */
  async topology(port?: number): Promise<ClusterNodeInfo[]> {
    const from = port ?? this.nodes.find((node) => node.running)!.port;
    return parseClusterNodes(await this.cli(from, 'CLUSTER', 'NODES'));
  }

  /** The slot of `key` (CLUSTER KEYSLOT). */
  async keySlot(key: string): Promise<number> {
    return Number(
      await this.cli(this.nodes.find((node) => node.running)!.port, 'CLUSTER', 'KEYSLOT', key),
    );
  }

  /** The running master serving `slot`. */
  async masterOf(slot: number): Promise<ClusterNodeInfo> {
    const master = (await this.topology()).find(
      (node) =>
        node.role === 'master' &&
        !node.failing &&
        node.slots.some(([a, b]) => a <= slot && slot <= b),
    );
    if (!master) throw new Error(`no master serves slot ${slot}`);
    return master;
  }

  /** The testkit process behind a node. */
  server(port: number): RedisServer {
    const server = this.nodes.find((node) => node.port === port);
    if (!server) throw new Error(`no node on port ${port}`);
    return server;
  }

  /**
   * Resolves once every running node says `cluster_state:ok`, each slot has one master that
   * is up, the nodes agree (what a client then reads is the cluster's settled shape), and every
   * running replica has finished syncing from its master.
   */
  async waitHealthy(timeoutMs = 30_000): Promise<void> {
    await waitUntil(
      async () => {
        const running = this.nodes.filter((node) => node.running);
        for (const node of running) {
          const info = await this.cli(node.port, 'CLUSTER', 'INFO').catch(() => '');
          if (!info.includes('cluster_state:ok')) return false;
        }
        const views = await Promise.all(
          running.map(async (node) =>
            slotOwners(parseClusterNodes(await this.cli(node.port, 'CLUSTER', 'NODES'))),
          ),
        );
        if (!views.every((view) => view === views[0] && view.split(',').length > 0)) return false;
        // Every replica holds its master's data: one still in its first sync (or cut off) would
        // take over empty if its master died now, and a test that kills a master would measure
        // that (sessions, rooms, messages all gone) instead of the failover it means to.
        for (const node of running) {
          const replication = await this.cli(node.port, 'INFO', 'replication').catch(() => '');
          if (!replication.includes('role:slave')) continue;
          if (!replication.includes('master_link_status:up')) return false;
          if (!replication.includes('master_sync_in_progress:0')) return false;
        }
        return true;
      },
      { timeoutMs, intervalMs: 100, what: `${this.name} to be healthy` },
    );
  }

  async destroy(): Promise<void> {
    await Promise.allSettled(this.nodes.map((node) => node.destroy()));
  }
}

/** Auth options of the nodes' arguments passed on to redis-cli (a `--requirepass` cluster). */
function authArgs(args: string[] | undefined): string[] {
  const index = args?.indexOf('--requirepass') ?? -1;
  return index >= 0 && args?.[index + 1] ? ['-a', args[index + 1]!, '--no-auth-warning'] : [];
}

/** "slot-range=master port" pairs of the masters that are up, for comparing views. */
function slotOwners(nodes: ClusterNodeInfo[]): string {
  return nodes
    .filter((node) => node.role === 'master' && !node.failing && node.slots.length > 0)
    .map((node) => `${node.slots.map(([a, b]) => `${a}-${b}`).join('+')}=${node.port}`)
    .sort()
    .join(',');
}

export function parseClusterNodes(text: string): ClusterNodeInfo[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const [id, address, flags, master, , , , , ...slotFields] = line.trim().split(' ');
      const port = Number(address!.split('@')[0]!.split(':').at(-1));
      const flagList = flags!.split(',');
      const slots: [number, number][] = [];
      for (const field of slotFields) {
        if (field.startsWith('[')) continue; // a slot being imported or migrated
        const [from, to] = field.split('-');
        slots.push([Number(from), Number(to ?? from)]);
      }
      return {
        id: id!,
        port,
        role: flagList.includes('master') ? 'master' : 'replica',
        masterId: master === '-' ? undefined : master,
        slots,
        failing: flagList.includes('fail') || flagList.includes('fail?'),
      };
    });
}
