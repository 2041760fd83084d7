import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { SESSION_COOKIE } from '@chat/shared';
import { freePorts, ProcessCluster } from '@chat/testkit';
import { assertPrerequisites, CHROMIUM_ARGS, CHROMIUM_PATH } from './support/stack';
import { createRoom, register, send, sentMessage } from './support/ui';

/*
 * The web app kept its login token in localStorage, where any script in the page could read
 * it: this reproduces the chat served from one origin (nginx in front of the web app and two
 * instances, as `npm run cluster` runs it) and checks that the token is only in an httpOnly
 * cookie, that the socket chats with that cookie alone, that a cross-origin POST carrying the
 * cookie is refused, and that logging out clears it.
 */

jest.setTimeout(60_000);

let cluster: ProcessCluster;
let browser: Browser;
/** An attacker's page: another origin on the same site (127.0.0.1, another port). */
let foreignSite: Server;

beforeAll(async () => {
  assertPrerequisites();
  const [lbPort, webPort] = await freePorts(2);
  foreignSite = createServer((_request, response) => response.end('<!doctype html><p>elsewhere'));
  await new Promise<void>((resolve) => foreignSite.listen(0, '127.0.0.1', resolve));
  [cluster, browser] = await Promise.all([
    ProcessCluster.start({
      instances: 2,
      env: (i) => ({
        INSTANCE_ID: `test-${i}`,
        MESSAGE_RATE_PER_SEC: '0',
        CORS_ORIGIN: `http://127.0.0.1:${lbPort}`,
        TRUST_PROXY: '127.0.0.1',
      }),
      web: {
        port: webPort!,
        hostname: '127.0.0.1',
        serverUrl: '',
        env: { NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1' },
      },
      nginx: { port: lbPort },
      killOnDestroy: true,
    }),
    chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS }),
  ]);
}, 90_000);

afterAll(async () => {
  await browser?.close().catch(() => {});
  await cluster?.destroy();
  await new Promise((resolve) => foreignSite?.close(resolve));
});

/** Every value a script of the page can read where a token could be kept. */
function scriptVisible(page: Page): Promise<string> {
  return page.evaluate(() =>
    JSON.stringify([document.cookie, { ...localStorage }, { ...sessionStorage }]),
  );
}

async function sessionCookie(context: BrowserContext) {
  return (await context.cookies()).find((cookie) => cookie.name === SESSION_COOKIE);
}

test('same origin: the token is in an httpOnly cookie only, the socket chats with it, a cross-origin POST is refused, logout clears it', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const authorizations: string[] = [];
  page.on('request', (request) => {
    const header = request.headers().authorization;
    if (header) authorizations.push(header);
  });
  await page.goto(cluster.url);
  await register(page, `cookie${process.pid}`); // Waits until the socket is connected.

  const cookie = await sessionCookie(context);
  expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/', secure: false });
  expect(cookie!.value).toMatch(/^[\w-]{43}$/);
  expect(await scriptVisible(page)).not.toContain(cookie!.value);
  expect(authorizations).toEqual([]);

  await createRoom(page, `cookie-room-${process.pid}`);
  await send(page, 'sent with the cookie alone');
  await sentMessage(page, 'sent with the cookie alone');

  // A page of another origin on the same site: the browser sends the cookie along (SameSite does
  // not look at ports), so the server itself must refuse the POST (it would log the user out).
  const foreign = await context.newPage();
  await foreign.goto(`http://127.0.0.1:${(foreignSite.address() as AddressInfo).port}/`);
  const sent = await foreign.evaluate(async (url) => {
    const response = await fetch(`${url}/api/auth/logout`, {
      method: 'POST',
      credentials: 'include',
      mode: 'no-cors',
    });
    return response.type;
  }, cluster.url);
  expect(sent).toBe('opaque');
  await foreign.close();
  expect(await page.evaluate(async () => (await fetch('/api/me')).status)).toBe(200);

  // A reload keeps the session, without any token in the page.
  await page.reload();
  await page.locator('[data-testid="connection-status"][data-status="connected"]').waitFor();
  expect(await scriptVisible(page)).not.toContain(cookie!.value);

  // The app shows the sign-in screen at once and revokes in the background: wait for the
  // logout's answer (which clears the cookie), not for the screen.
  const loggedOut = page.waitForResponse(
    (response) => response.url().endsWith('/api/auth/logout') && response.ok(),
  );
  await page.getByTestId('logout').click();
  await page.getByTestId('auth-submit').waitFor();
  await loggedOut;
  await expect(sessionCookie(context)).resolves.toBeUndefined();
  const replayed = await fetch(`${cluster.url}/api/me`, {
    headers: { cookie: `${SESSION_COOKIE}=${cookie!.value}` },
  });
  expect(replayed.status).toBe(401);
  await context.close();
});
