import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/*
 * `npm run cluster -- --redis-cluster` (issue 15): a local Redis Cluster of three masters with
 * a replica each instead of one redis-server, and every instance on it with REDIS_MODE=cluster
 * and the node list as REDIS_URL. The instances answer /readyz, through the cluster client
 * (they asked the nodes for the slot map: a single-mode client never does), and SIGTERM stops
 * every node it started.
 */

const root = path.join(__dirname, '..', '..', '..', '..');

/** A node's INFO section as `name → value`. */
function info(port: number, section: string): Map<string, string> {
  const out = spawnSync('redis-cli', ['-p', String(port), 'INFO', section], { encoding: 'utf8' });
  return new Map(
    out.stdout
      .split('\n')
      .map((line) => line.trim().split(':') as [string, string])
      .filter(([, value]) => value !== undefined),
  );
}

describe('npm run cluster -- --redis-cluster', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'chat-redis-cluster-'));
  let cluster: ReturnType<typeof spawn>;
  let output = '';

  beforeAll(async () => {
    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env.REDIS_URL;
    delete env.REDIS_MODE;
    cluster = spawn(
      process.execPath,
      [
        path.join(root, 'scripts/cluster.mjs'),
        '--redis-cluster',
        '--instances',
        '2',
        '--base-port',
        '0',
        '--lb-port',
        '0',
        '--no-web',
        '--no-archive',
        '--data-dir',
        dataDir,
      ],
      { env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    cluster.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await new Promise<void>((resolve, reject) => {
      cluster.stdout!.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('cluster ready')) resolve();
      });
      cluster.once('exit', (code) => reject(new Error(`cluster exited with ${code}: ${output}`)));
    });
  }, 90_000);

  afterAll(() => {
    if (cluster.exitCode === null) cluster.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  const nodeList = () =>
    /redis cluster nodes \(REDIS_URL, REDIS_MODE=cluster\): (\S+)/.exec(output);
  const nodePorts = () =>
    nodeList()![1]!
      .split(',')
      .map((url) => Number(new URL(url).port));

  test('prints every node, three masters and their replicas, and the node list', () => {
    // Six nodes, each with its role; at least three masters (on a machine starved of CPU at
    // start a replica may already have been promoted over a master it thought failed).
    const masters = output.match(/redis-\d+\s+redis:\/\/127\.0\.0\.1:\d+\s+master, slots /g) ?? [];
    const replicas =
      output.match(/redis-\d+\s+redis:\/\/127\.0\.0\.1:\d+\s+replica of :\d+/g) ?? [];
    expect(masters.length).toBeGreaterThanOrEqual(3);
    expect(masters.length + replicas.length).toBe(6);
    expect(nodeList()).not.toBeNull();
    expect(nodePorts()).toHaveLength(6);
    expect(output.match(/server-\d\s+http:\/\/127\.0\.0\.1:\d+/g)).toHaveLength(2);
  });

  test('every instance is ready on the Redis Cluster, through the cluster client', async () => {
    const servers = [...output.matchAll(/server-\d\s+(http:\/\/127\.0\.0\.1:\d+)/g)].map(
      (match) => match[1]!,
    );
    for (const server of servers) {
      const response = await fetch(`${server}/readyz`);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ status: 'ready' });
    }
    // ioredis's Cluster client reads the slot map (CLUSTER SLOTS) from the seed nodes; a
    // single-mode client pointed at a node would answer /readyz too, but never asks.
    const slotQueries = nodePorts()
      .map((port) => info(port, 'commandstats').get('cmdstat_cluster|slots') ?? '')
      .map((stat) => Number(/calls=(\d+)/.exec(stat)?.[1] ?? 0));
    expect(slotQueries.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(servers.length);
    for (const port of nodePorts()) expect(info(port, 'cluster').get('cluster_enabled')).toBe('1');
  });

  test('stops every node it started on SIGTERM', async () => {
    const ports = nodePorts();
    const exited = new Promise<number | null>((resolve) => cluster.once('exit', resolve));
    cluster.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(output).toContain('cluster stopped');
    for (const port of ports) {
      const ping = spawnSync('redis-cli', ['-p', String(port), 'PING'], { encoding: 'utf8' });
      expect(ping.stdout.trim()).not.toBe('PONG');
    }
  });
});
