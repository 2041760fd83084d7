import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { freePort } from '../../../server/test/support/free-port';
import { TestRedis } from '../../../server/test/support/redis-server';
import { waitUntil } from '../../../server/test/support/wait';
import { startCluster, type Cluster } from './cluster';

/*
 * What the browser tests run against: a real redis-server, two chat server
 * instances sharing it (in this process), and the BUILT web app (`next
 * start`) once per instance, each pointed at its own instance with
 * CHAT_SERVER_URL. A browser context on web app i therefore talks to server
 * instance i.
 */

export const WEB_DIR = path.resolve(__dirname, '..', '..');
export const REPO_ROOT = path.resolve(WEB_DIR, '..', '..');
export const ARTIFACTS_DIR = path.join(REPO_ROOT, 'test-artifacts');
const NEXT_BIN = path.join(REPO_ROOT, 'node_modules', 'next', 'dist', 'bin', 'next');

export const CHROMIUM_PATH = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export const PASSWORD = 'correct horse battery';

/** Fails early, and clearly, when the web app was not built. */
export function assertPrerequisites(): void {
  if (!existsSync(path.join(WEB_DIR, '.next', 'BUILD_ID'))) {
    throw new Error(
      'apps/web/.next is missing: build the web app first (`npm run build`, or ' +
        '`cd apps/web && npx next build`); the browser tests run the production build.',
    );
  }
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `${CHROMIUM_PATH} is missing: the browser tests need Debian's chromium (apt-get install -y chromium)`,
    );
  }
}

/** One `next start` of the built app. */
export class WebApp {
  private output = '';

  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
  ) {
    child.stdout?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
  }

  static async start(port: number, serverUrl: string): Promise<WebApp> {
    const child = spawn(
      process.execPath,
      [NEXT_BIN, 'start', '--port', String(port), '--hostname', '127.0.0.1'],
      {
        cwd: WEB_DIR,
        env: {
          ...process.env,
          NODE_ENV: 'production',
          NEXT_TELEMETRY_DISABLED: '1',
          CHAT_SERVER_URL: serverUrl,
        },
        // Its own process group, so stop() ends it and anything it started.
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const app = new WebApp(child, port);
    try {
      await waitUntil(
        async () => {
          if (child.exitCode !== null) throw new Error(`next start exited: ${app.output}`);
          try {
            return (await fetch(`${app.url}/`)).ok;
          } catch {
            return false;
          }
        },
        { timeoutMs: 30_000, intervalMs: 100, what: `the web app on port ${port}` },
      );
    } catch (error) {
      await app.stop();
      throw error;
    }
    return app;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async stop(): Promise<void> {
    const { child } = this;
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      return;
    }
    const timer = setTimeout(() => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Gone already.
      }
    }, 5_000);
    await exited;
    clearTimeout(timer);
  }
}

export interface Stack {
  redis: TestRedis;
  cluster: Cluster;
  web: WebApp[];
  browser: Browser;
}

/** Redis, `count` server instances, one web app per instance, and a headless Chromium. */
export async function startStack(count = 2): Promise<Stack> {
  assertPrerequisites();
  const started: Partial<Stack> & { web: WebApp[] } = { web: [] };
  try {
    started.redis = await TestRedis.start();
    const ports = await uniquePorts(count);
    started.cluster = await startCluster(count, started.redis.url, {
      corsOrigins: ports.map((port) => `http://127.0.0.1:${port}`),
    });
    const cluster = started.cluster;
    const [web, browser] = await Promise.all([
      Promise.all(ports.map((port, i) => WebApp.start(port, cluster.url(i)))),
      chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS }),
    ]);
    started.web = web;
    started.browser = browser;
    return started as Stack;
  } catch (error) {
    await stopStack(started);
    throw error;
  }
}

export async function stopStack(stack: Partial<Stack> | undefined): Promise<void> {
  if (!stack) return;
  await stack.browser?.close().catch(() => {});
  await Promise.all((stack.web ?? []).map((web) => web.stop()));
  await stack.cluster?.stop().catch(() => {});
  await stack.redis?.destroy();
}

async function uniquePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort());
  return [...ports];
}

/** What a page did that a test should know about. */
export interface PageLog {
  dialogs: string[];
  errors: string[];
  cspViolations: string[];
}

/** A browser context on web app `index`, with one page, watched for dialogs, errors and CSP reports. */
export async function openPage(
  stack: Stack,
  index: number,
  options: Parameters<Browser['newContext']>[0] = {},
): Promise<{ context: BrowserContext; page: Page; log: PageLog }> {
  const context = await stack.browser.newContext({
    viewport: { width: 1280, height: 800 },
    ...options,
  });
  const page = await context.newPage();
  const log: PageLog = { dialogs: [], errors: [], cspViolations: [] };
  page.on('dialog', (dialog) => {
    log.dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    void dialog.dismiss().catch(() => {});
  });
  page.on('pageerror', (error) => log.errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const text = message.text();
    if (/Content Security Policy/i.test(text)) log.cspViolations.push(text);
  });
  await page.goto(stack.web[index]!.url);
  return { context, page, log };
}

export function artifactPath(name: string): string {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  return path.join(ARTIFACTS_DIR, name);
}
