#!/usr/bin/env node
// @ts-check
/**
 * A local cluster in one command: `npm run cluster -- --instances 3`.
 *
 * Starts a redis-server (AOF on, data under .data/, unless REDIS_URL is set),
 * a PostgreSQL for the archive (data under .data/cluster/postgres, kept across
 * runs, on a free port; unless DATABASE_URL is set or --no-archive) and one
 * archiver, N server instances on consecutive ports, a real nginx in front of them on
 * LB_PORT (default 8080), and the web app behind the same nginx (WEB_PORT,
 * default 3000), so the whole chat is served from one origin. Prints a table
 * of what runs where and a line containing `cluster ready`; stops everything it
 * started on Ctrl-C or SIGTERM.
 *
 * Options: --instances N (3), --base-port P (8001; 0 = free ports),
 * --lb-port P (LB_PORT or 8080), --web-port P (WEB_PORT or 3000), --no-web,
 * --no-archive (no PostgreSQL, no archiver: history is what Redis retains),
 * --data-dir DIR (.data/cluster),
 * --redis-cluster (issue 15: a local Redis Cluster instead of one redis-server: three
 *   masters with a replica each on free ports, cluster-node-timeout 5000 ms; every instance
 *   and the archiver run with REDIS_MODE=cluster and REDIS_URL = the node list. Its data
 *   lives in temp folders and goes when it stops, so its archive is a database of its own,
 *   `chat_redis_cluster`, emptied at each start. With REDIS_URL set, that URL is taken as the
 *   seed list of a Redis Cluster started elsewhere.)
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

const root = path.resolve(import.meta.dirname, '..');

const { values: args } = parseArgs({
  options: {
    instances: { type: 'string', default: '3' },
    'base-port': { type: 'string', default: '8001' },
    'lb-port': { type: 'string', default: process.env.LB_PORT ?? '8080' },
    'web-port': { type: 'string', default: process.env.WEB_PORT ?? '3000' },
    'no-web': { type: 'boolean', default: false },
    'no-archive': { type: 'boolean', default: false },
    'data-dir': { type: 'string', default: path.join(root, '.data', 'cluster') },
    'redis-cluster': { type: 'boolean', default: false },
  },
});
const redisCluster = args['redis-cluster'];
/** A production-like failure detection (the test kit's default of 1 s suits tests, not a demo). */
const CLUSTER_NODE_TIMEOUT_MS = 5000;

const instances = Number(args.instances);
if (!Number.isInteger(instances) || instances < 1 || instances > 32)
  fail('--instances must be 1 to 32');
const dataDir = path.resolve(args['data-dir']);
const runDir = path.join(dataDir, 'run');
const logDir = path.join(dataDir, 'logs');
for (const dir of [runDir, logDir, path.join(dataDir, 'redis')])
  mkdirSync(dir, { recursive: true });

// The test kit is built with the rest; on a fresh clone, build before loading it.
buildIfNeeded();
const {
  ArchiverProcess,
  freePort,
  isPortFree,
  killAllNow,
  PostgresServer,
  ProcessCluster,
  requireBinary,
} = await import('@chat/testkit');

/** @type {import('@chat/testkit').ProcessCluster | undefined} */
let cluster;
/** @type {import('@chat/testkit').PostgresServer | undefined} */
let postgres;
/** @type {import('@chat/testkit').ArchiverProcess | undefined} */
let archiver;
let stopping = false;

process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));

try {
  await main();
} catch (error) {
  console.error(`cluster: ${error instanceof Error ? error.message : String(error)}`);
  await stop(1);
}

async function main() {
  requireBinary('nginx', 'apt-get install -y nginx   (macOS: brew install nginx)');
  if (!process.env.REDIS_URL) {
    requireBinary('redis-server', 'apt-get install -y redis-server   (macOS: brew install redis)');
  }

  const externalRedis = process.env.REDIS_URL;
  const redisPort = externalRedis ? 0 : (await isPortFree(6380)) ? 6380 : await freePort();
  const lbPort = await portOrFree(Number(args['lb-port']));
  const webPort = args['no-web'] ? 0 : await portOrFree(Number(args['web-port']));
  const origins = [`http://localhost:${lbPort}`, `http://127.0.0.1:${lbPort}`].join(',');

  const serverPorts = [];
  for (let i = 0; i < instances; i += 1) {
    const base = Number(args['base-port']);
    serverPorts.push(base === 0 ? await freePort() : base + i);
  }
  const log = (/** @type {string} */ name) => path.join(logDir, `${name}.log`);
  const databaseUrl = args['no-archive'] ? undefined : await startArchive(log);
  cluster = await ProcessCluster.start({
    instances,
    redis: externalRedis
      ? { url: externalRedis, ...(redisCluster ? { mode: /** @type {const} */ ('cluster') } : {}) }
      : redisCluster
        ? {
            cluster: {
              name: 'redis-cluster',
              masters: 3,
              replicas: 1,
              nodeTimeoutMs: CLUSTER_NODE_TIMEOUT_MS,
            },
          }
        : {
            name: 'redis',
            port: redisPort,
            dir: path.join(dataDir, 'redis'),
            appendOnly: true,
            logFile: log('redis'),
          },
    port: (i) => serverPorts[i] ?? 0,
    env: (i) => ({
      INSTANCE_ID: `server-${i + 1}`,
      CORS_ORIGIN: process.env.CORS_ORIGIN ?? origins,
      TRUST_PROXY: '127.0.0.1',
      DATABASE_URL: databaseUrl,
    }),
    serverOptions: (i) => ({
      name: `server-${i + 1}`,
      until: 'ready',
      logFile: log(`server-${i + 1}`),
    }),
    // Same origin: the browser reaches the API and Socket.IO through this nginx.
    web: webPort
      ? { port: webPort, serverUrl: '', timeoutMs: 60_000, logFile: log('web') }
      : undefined,
    nginx: { port: lbPort, runDir, failTimeoutSec: 5, logFile: log('nginx') },
  });
  if (databaseUrl)
    archiver = await ArchiverProcess.start(
      { ...cluster.redisEnv, DATABASE_URL: databaseUrl, INSTANCE_ID: 'archiver-1' },
      { name: 'archiver', logFile: log('archiver'), timeoutMs: 120_000 },
    );
  for (const part of [
    ...cluster.parts,
    ...(postgres ? [postgres] : []),
    ...(archiver ? [archiver] : []),
  ]) {
    const proc = 'process' in part ? part.process : undefined;
    void proc?.exited.then((status) => {
      if (stopping) return;
      console.error(
        `cluster: ${part.name} exited (${status.signal ?? status.code}); see ${log(part.name)}`,
      );
      void stop(1);
    });
  }

  const redisUrl = cluster.redisAddress;
  const redisRows = externalRedis
    ? [
        [
          'redis',
          externalRedis.split(',').map(redactUrl).join(','),
          `REDIS_URL (not started here)${redisCluster ? ', REDIS_MODE=cluster' : ''}`,
        ],
      ]
    : redisCluster
      ? await redisClusterRows(cluster.redisCluster)
      : [['redis', redisUrl, `AOF in ${path.relative(root, path.join(dataDir, 'redis'))}`]];
  const archiveRows = !databaseUrl
    ? [['archive', 'off', '--no-archive: history is what Redis retains']]
    : [
        postgres
          ? [
              'postgres',
              databaseUrl,
              `data in ${path.relative(root, path.join(dataDir, 'postgres'))}`,
            ]
          : ['postgres', redactUrl(databaseUrl), 'DATABASE_URL (not started here)'],
        ['archiver', archiver?.url ?? '', 'metrics: /metrics, logs/archiver.log'],
      ];
  const rows = [
    ...redisRows,
    ...archiveRows,
    ...serverPorts.map((port, i) => [
      `server-${i + 1}`,
      `http://127.0.0.1:${port}`,
      `logs/server-${i + 1}.log`,
    ]),
    [
      'nginx',
      `http://localhost:${lbPort}`,
      'load balancer: /api, /socket.io, /healthz → servers; / → web',
    ],
  ];
  if (webPort)
    rows.push([
      'web',
      `http://localhost:${lbPort}`,
      `Next.js on :${webPort}, open it through nginx`,
    ]);
  printTable(rows);
  if (redisCluster && !externalRedis) {
    const first = cluster.redisCluster.nodes[0]?.port;
    console.log(`redis cluster nodes (REDIS_URL, REDIS_MODE=cluster): ${redisUrl}`);
    console.log(
      `logs: ${path.relative(root, logDir)}/   inspect: redis-cli -c -p ${first} CLUSTER NODES   (data is not kept)`,
    );
  } else {
    console.log(
      `logs: ${path.relative(root, logDir)}/   watch messages: REDIS_URL=${redisUrl} npm run monitor`,
    );
  }
  console.log(
    `cluster ready: ${instances} instance(s) behind http://localhost:${lbPort} (Ctrl-C stops everything)`,
  );
}

/** Stops everything it started (nginx first, then the web app and servers, Redis last). @param {number} code */
async function stop(code) {
  if (stopping) return;
  stopping = true;
  if (cluster) {
    await archiver?.destroy();
    await cluster.destroy();
    await postgres?.destroy();
    console.log('cluster stopped');
  } else {
    // Stopped while starting: whatever had started already goes too.
    killAllNow();
  }
  process.exit(code);
}

/**
 * The archive's PostgreSQL (its data kept under --data-dir across runs; initdb
 * only the first time), with a `chat` database, unless DATABASE_URL names one.
 * @param {(name: string) => string} log
 * @returns {Promise<string>} the DATABASE_URL for instances and archiver
 */
async function startArchive(log) {
  if (process.env.DATABASE_URL) return process.env.DATABASE_URL;
  // As root, PostgreSQL runs as the `postgres` user, which must be able to pass through the
  // data folder (a private temp folder, say) to reach its own: traverse only, no listing.
  if (process.getuid?.() === 0) chmodSync(dataDir, (statSync(dataDir).mode & 0o777) | 0o111);
  postgres = await PostgresServer.start({
    name: 'postgres',
    dir: path.join(dataDir, 'postgres'),
    port: (await isPortFree(5433)) ? 5433 : await freePort(),
    // Durable: this cluster's data is meant to survive a crash of the machine.
    settings: { fsync: 'on', synchronous_commit: 'on', full_page_writes: 'on' },
    logFile: log('postgres'),
  });
  if (redisCluster && !process.env.REDIS_URL) {
    // The cluster's Redis data goes when it stops: an archive kept across runs would hold
    // rooms and users that no longer exist, so this one starts empty every time.
    await postgres.dropDatabase('chat_redis_cluster');
    return postgres.createDatabase('chat_redis_cluster');
  }
  try {
    return await postgres.createDatabase('chat');
  } catch (error) {
    if (!String(error).includes('already exists')) throw error;
    return postgres.urlOf('chat');
  }
}

/**
 * A row per node of the Redis Cluster it started: address, role and slots, from the
 * cluster's own view (CLUSTER NODES). @param {import('@chat/testkit').RedisCluster} redis
 */
async function redisClusterRows(redis) {
  const topology = await redis.topology();
  // Each master, then its replicas.
  const masterPort = (/** @type {import('@chat/testkit').ClusterNodeInfo} */ node) =>
    topology.find((other) => other.id === node.masterId)?.port ?? node.port;
  return topology
    .sort(
      (a, b) =>
        masterPort(a) - masterPort(b) ||
        Number(a.role === 'replica') - Number(b.role === 'replica'),
    )
    .map((node) => {
      const master = topology.find((other) => other.id === node.masterId);
      const notes =
        node.role === 'master'
          ? `master, slots ${node.slots.map(([a, b]) => `${a}-${b}`).join(',')}`
          : `replica of :${master?.port ?? '?'}`;
      return [`redis-${node.port}`, `redis://127.0.0.1:${node.port}`, notes];
    });
}

function buildIfNeeded() {
  const missing =
    !existsSync(path.join(root, 'packages/testkit/dist/index.js')) ||
    !existsSync(path.join(root, 'apps/server/dist/index.js')) ||
    (!args['no-archive'] && !existsSync(path.join(root, 'apps/archiver/dist/index.js'))) ||
    (!args['no-web'] && !existsSync(path.join(root, 'apps/web/.next/BUILD_ID')));
  if (!missing) return;
  console.log('cluster: building (npm run build)...');
  const build = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) fail('the build failed');
}

/** @param {string} message @returns {never} */
function fail(message) {
  console.error(`cluster: ${message}`);
  process.exit(1);
}

/** @param {string} url */
function redactUrl(url) {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '<unparsable URL>';
  }
}

/** @param {string[][]} rows */
function printTable(rows) {
  const header = ['part', 'address', 'notes'];
  const widths = header.map((_, c) =>
    Math.max(header[c].length, ...rows.map((row) => row[c].length)),
  );
  const line = (/** @type {string[]} */ cells) =>
    cells.map((cell, c) => cell.padEnd(widths[c])).join('  ');
  console.log(`\n${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}`);
  for (const row of rows) console.log(line(row));
  console.log('');
}

/** A requested port (0 = any free one); a busy one is an error, not a silent change. @param {number} port */
async function portOrFree(port) {
  if (port === 0) return freePort();
  if (!(await isPortFree(port)))
    fail(`port ${port} is in use; pick another (see --help in scripts/cluster.mjs)`);
  return port;
}
