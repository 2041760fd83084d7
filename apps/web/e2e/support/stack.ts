import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { freePorts, ProcessCluster, REPO_ROOT, SERVER_ENTRY, WEB_DIR, WebApp } from '@chat/testkit';

/*
 * What the browser tests run against: a real redis-server, two chat server
 * instances sharing it (the built server, as child processes), and the BUILT
 * web app (`next start`) once per instance, each pointed at its own instance
 * with CHAT_SERVER_URL. A browser context on web app i therefore talks to
 * server instance i.
 */

export const ARTIFACTS_DIR = path.join(REPO_ROOT, 'test-artifacts');

export const CHROMIUM_PATH = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export const PASSWORD = 'correct horse battery';

/** Fails early, and clearly, when the web app or the server was not built. */
export function assertPrerequisites(): void {
  if (!existsSync(SERVER_ENTRY)) {
    throw new Error('apps/server/dist is missing: build first (`npm run build`).');
  }
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

export interface Stack {
  /** Redis and the server instances. */
  processes: ProcessCluster;
  /** Instance `index`'s base URL. */
  cluster: { url(index: number): string };
  web: WebApp[];
  browser: Browser;
}

/** Redis, `count` server instances, one web app per instance, and a headless Chromium. */
/**
 * `serverEnv`: settings of every server instance, over the suite's defaults; a value of
 * undefined removes the variable (`REDIS_URL: undefined`: the embedded mode).
 */
export async function startStack(
  count = 2,
  serverEnv: Record<string, string | undefined> = {},
): Promise<Stack> {
  assertPrerequisites();
  const started: Partial<Stack> & { web: WebApp[] } = { web: [] };
  try {
    const ports = await freePorts(count);
    const processes = await ProcessCluster.start({
      instances: count,
      env: (i) => ({
        INSTANCE_ID: `test-${i}`,
        MESSAGE_RATE_PER_SEC: '0',
        CORS_ORIGIN: ports.map((port) => `http://127.0.0.1:${port}`).join(','),
        ...serverEnv,
      }),
      killOnDestroy: true,
    });
    started.processes = processes;
    started.cluster = { url: (index) => processes.servers[index % count]!.url };
    const [web, browser] = await Promise.all([
      Promise.all(
        ports.map((port, i) =>
          WebApp.start({
            port,
            hostname: '127.0.0.1',
            serverUrl: processes.servers[i]!.url,
            env: { NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1' },
          }),
        ),
      ),
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

/**
 * The suite's stack, started before its tests and stopped after them: the set-up every
 * browser suite used to copy. The object returned is filled in by its `beforeAll`, which
 * runs before the suite's own (hooks run in the order they are declared).
 */
export function stackForSuite(
  count = 2,
  /** A function when a value is known only once an earlier `beforeAll` ran (a database's URL). */
  serverEnv: Record<string, string | undefined> | (() => Record<string, string | undefined>) = {},
): Stack {
  const stack = {} as Stack;
  beforeAll(async () => {
    const env = typeof serverEnv === 'function' ? serverEnv() : serverEnv;
    Object.assign(stack, await startStack(count, env));
  }, 90_000);
  afterAll(() => stopStack(stack));
  return stack;
}

export async function stopStack(stack: Partial<Stack> | undefined): Promise<void> {
  if (!stack) return;
  await stack.browser?.close().catch(() => {});
  await Promise.all((stack.web ?? []).map((web) => web.destroy()));
  await stack.processes?.destroy();
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
