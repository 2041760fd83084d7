#!/usr/bin/env node
// @ts-check
/**
 * A local cluster in one command: `npm run cluster -- --instances 3`.
 *
 * Starts a redis-server (AOF on, data under .data/, unless REDIS_URL is set),
 * N server instances on consecutive ports, a real nginx in front of them on
 * LB_PORT (default 8080), and the web app behind the same nginx (WEB_PORT,
 * default 3000), so the whole chat is served from one origin. Prints a table
 * of what runs where and a line containing `cluster ready`; stops everything it
 * started on Ctrl-C or SIGTERM.
 *
 * Options: --instances N (3), --base-port P (8001; 0 = free ports),
 * --lb-port P (LB_PORT or 8080), --web-port P (WEB_PORT or 3000), --no-web,
 * --data-dir DIR (.data/cluster).
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, openSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { createServer, connect } from 'node:net';
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
    'data-dir': { type: 'string', default: path.join(root, '.data', 'cluster') },
  },
});

const instances = Number(args.instances);
if (!Number.isInteger(instances) || instances < 1 || instances > 32)
  fail('--instances must be 1 to 32');
const dataDir = path.resolve(args['data-dir']);
const runDir = path.join(dataDir, 'run');
const logDir = path.join(dataDir, 'logs');
for (const dir of [runDir, logDir, path.join(dataDir, 'redis')])
  mkdirSync(dir, { recursive: true });

/** @type {{ name: string, child: import('node:child_process').ChildProcess }[]} */
const children = [];
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
  buildIfNeeded();

  let redisUrl = process.env.REDIS_URL;
  let redisRow = ['redis', redisUrl ? redactUrl(redisUrl) : '', 'REDIS_URL (not started here)'];
  if (!redisUrl) {
    const redisPort = (await isFree(6380)) ? 6380 : await freePort();
    start('redis', 'redis-server', [
      '--port',
      String(redisPort),
      '--bind',
      '127.0.0.1',
      '--dir',
      path.join(dataDir, 'redis'),
      '--appendonly',
      'yes',
      '--save',
      '',
    ]);
    await waitForTcp(redisPort);
    redisUrl = `redis://127.0.0.1:${redisPort}`;
    redisRow = ['redis', redisUrl, `AOF in ${path.relative(root, path.join(dataDir, 'redis'))}`];
  }

  const lbPort = await portOrFree(Number(args['lb-port']));
  const webPort = args['no-web'] ? 0 : await portOrFree(Number(args['web-port']));
  const origins = [`http://localhost:${lbPort}`, `http://127.0.0.1:${lbPort}`].join(',');

  const serverPorts = [];
  for (let i = 0; i < instances; i += 1) {
    const base = Number(args['base-port']);
    serverPorts.push(base === 0 ? await freePort() : base + i);
  }
  serverPorts.forEach((port, i) => {
    start(`server-${i + 1}`, process.execPath, [path.join(root, 'apps/server/dist/index.js')], {
      PORT: String(port),
      HOST: '127.0.0.1',
      REDIS_URL: redisUrl,
      INSTANCE_ID: `server-${i + 1}`,
      CORS_ORIGIN: process.env.CORS_ORIGIN ?? origins,
      TRUST_PROXY: '127.0.0.1',
    });
  });
  await Promise.all(serverPorts.map((port) => waitForHttp(`http://127.0.0.1:${port}/readyz`)));

  if (webPort) {
    start(
      'web',
      process.execPath,
      [path.join(root, 'node_modules/next/dist/bin/next'), 'start', '--port', String(webPort)],
      {
        // Same origin: the browser reaches the API and Socket.IO through this nginx.
        CHAT_SERVER_URL: '',
      },
      path.join(root, 'apps/web'),
    );
  }

  const template = readFileSync(path.join(root, 'deploy/nginx.conf.template'), 'utf8');
  const conf = template
    .replaceAll('{{RUN_DIR}}', runDir)
    .replaceAll('{{LB_PORT}}', String(lbPort))
    .replaceAll('{{WEB_ADDRESS}}', `127.0.0.1:${webPort || 9}`)
    .replaceAll(
      '{{UPSTREAM_SERVERS}}',
      serverPorts
        .map((port) => `        server 127.0.0.1:${port} max_fails=1 fail_timeout=5s;`)
        .join('\n'),
    );
  const confFile = path.join(runDir, 'nginx.conf');
  writeFileSync(confFile, conf);
  start('nginx', 'nginx', [
    '-c',
    confFile,
    '-p',
    runDir,
    '-e',
    path.join(runDir, 'nginx-error.log'),
    '-g',
    'daemon off;',
  ]);
  await waitForHttp(`http://127.0.0.1:${lbPort}/healthz`);
  if (webPort) await waitForHttp(`http://127.0.0.1:${webPort}/`, 60_000);

  const rows = [
    redisRow,
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
  console.log(
    `logs: ${path.relative(root, logDir)}/   watch messages: REDIS_URL=${redisUrl} npm run monitor`,
  );
  console.log(
    `cluster ready: ${instances} instance(s) behind http://localhost:${lbPort} (Ctrl-C stops everything)`,
  );
}

/**
 * @param {string} name
 * @param {string} command
 * @param {string[]} commandArgs
 * @param {Record<string, string | undefined>} [env]
 * @param {string} [cwd]
 */
function start(name, command, commandArgs, env = {}, cwd = root) {
  const log = openSync(path.join(logDir, `${name}.log`), 'a');
  const child = spawn(command, commandArgs, {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', log, log],
  });
  child.on('exit', (code, signal) => {
    if (!stopping) {
      console.error(
        `cluster: ${name} exited (${signal ?? code}); see ${path.join(logDir, `${name}.log`)}`,
      );
      void stop(1);
    }
  });
  children.push({ name, child });
  return child;
}

/** @param {number} code */
async function stop(code) {
  if (stopping) return;
  stopping = true;
  // nginx first (no new traffic), then the web app and servers, Redis last.
  const order = [...children].reverse();
  for (const { child } of order) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  }
  await Promise.all(
    order.map(
      ({ child }) =>
        new Promise((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve(undefined);
          const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
          child.once('exit', () => {
            clearTimeout(timer);
            resolve(undefined);
          });
        }),
    ),
  );
  if (children.length > 0) console.log('cluster stopped');
  process.exit(code);
}

function buildIfNeeded() {
  const missing =
    !existsSync(path.join(root, 'apps/server/dist/index.js')) ||
    (!args['no-web'] && !existsSync(path.join(root, 'apps/web/.next/BUILD_ID')));
  if (!missing) return;
  console.log('cluster: building (npm run build)...');
  const build = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) fail('the build failed');
}

/** @param {string} binary @param {string} install */
function requireBinary(binary, install) {
  const probe = spawnSync(binary, ['-v'], { stdio: 'ignore' });
  if (probe.error) fail(`\`${binary}\` is not installed. Install it with:\n  ${install}`);
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
    return '<unparsable REDIS_URL>';
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

/** @returns {Promise<number>} */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** @param {number} port @returns {Promise<boolean>} */
function isFree(port) {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A requested port (0 = any free one); a busy one is an error, not a silent change. @param {number} port */
async function portOrFree(port) {
  if (port === 0) return freePort();
  if (!(await isFree(port)))
    fail(`port ${port} is in use; pick another (see --help in scripts/cluster.mjs)`);
  return port;
}

/** @param {number} port */
async function waitForTcp(port, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.end();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline)
      throw new Error(`nothing listens on port ${port} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** @param {string} url */
async function waitForHttp(url, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer 200 within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
