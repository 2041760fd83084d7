import type { BrowserContext, Page } from 'playwright-core';
import type { RoomsResponse } from '@chat/shared';
import { waitUntil } from '@chat/testkit';
import {
  connect,
  createRoom as createRoomViaApi,
  http,
  join,
  registerUser,
  send as sendViaSocket,
} from '../../server/test/support/clients';
import { artifactPath, openPage, type PageLog, stackForSuite } from './support/stack';
import {
  connected,
  countIs,
  createRoom,
  exactly,
  logIn,
  messages,
  openRoom,
  register,
  roomItem,
  send,
  sentMessage,
  shownMessageIds,
  shownTexts,
} from './support/ui';

/*
 * The chat in a real headless Chromium, against two server instances on one
 * Redis. Alice's browser context uses web app 0 → instance 0, Bob's uses web
 * app 1 → instance 1, so everything between them crosses Redis.
 *
 * The tests run in order and build on each other (one stack, one pair of
 * users), which keeps the suite fast.
 */

jest.setTimeout(60_000);

const stack = stackForSuite(2);
let alice: { context: BrowserContext; page: Page; log: PageLog };
let bob: { context: BrowserContext; page: Page; log: PageLog };
let bobToken: string;

beforeAll(async () => {
  [alice, bob] = await Promise.all([openPage(stack, 0), openPage(stack, 1)]);
}, 90_000);

afterEach(() => {
  // Nothing a user typed may ever run, and the CSP must not block the app itself.
  for (const user of [alice, bob]) {
    if (!user) continue;
    const { log } = user;
    expect(log.dialogs).toEqual([]);
    expect(log.errors).toEqual([]);
    expect(log.cspViolations).toEqual([]);
  }
});

describe('the chat UI in a browser', () => {
  it('registers and logs in through the forms, with inline validation', async () => {
    const { page } = alice;
    await page.getByTestId('auth-mode-register').click();
    await page.getByTestId('auth-username').fill('al');
    await page.getByTestId('auth-password').fill('short');
    await page.getByTestId('auth-submit').click();
    await page.getByText('Username must be at least 3 characters').waitFor();
    await page.getByText('Password must be at least 8 characters').waitFor();

    await register(page, 'alice');

    // Bob's account exists already; he logs in (wrong password first).
    const registered = await registerUser(stack.cluster.url(1), 'bob');
    bobToken = registered.token;
    await bob.page.getByTestId('auth-username').fill('bob');
    await bob.page.getByTestId('auth-password').fill('not the password');
    await bob.page.getByTestId('auth-submit').click();
    await bob.page.getByTestId('auth-error').waitFor();
    await logIn(bob.page, 'bob');
  });

  it('serves the page with a nonce-based CSP and the other security headers', async () => {
    const response = await fetch(stack.web[0]!.url);
    const csp = response.headers.get('content-security-policy') ?? '';
    const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce).toBeTruthy();
    expect(csp).toContain(`script-src 'self' 'nonce-${nonce}' 'strict-dynamic'`);
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    const server = new URL(stack.cluster.url(0));
    expect(csp).toContain(`connect-src 'self' ${server.origin} ws://${server.host}`);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    // Every script tag of the page carries the nonce.
    const html = await response.text();
    const scripts = html.match(/<script\b[^>]*>/g) ?? [];
    expect(scripts.length).toBeGreaterThan(0);
    for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`);
    // A second request gets a fresh nonce.
    const next = (await fetch(stack.web[0]!.url)).headers.get('content-security-policy');
    expect(next).not.toContain(`'nonce-${nonce}'`);
  });

  it('lets two users on two instances chat both ways, pending → sent', async () => {
    await createRoom(alice.page, 'general');
    // Bob learns about the new room live (room:created through Redis).
    await openRoom(bob.page, 'general');

    await recordStatuses(alice.page);
    await send(alice.page, 'Hi Bob! 👋');
    const sent = await sentMessage(alice.page, 'Hi Bob! 👋');
    expect(await sent.getAttribute('data-own')).toBe('true');
    const clientId = await sent.getAttribute('data-client-id');
    const statuses = await alice.page.evaluate(
      (id) =>
        (window as unknown as { __statuses: [string, string][] }).__statuses
          .filter(([cid]) => cid === id)
          .map(([, status]) => status),
      clientId,
    );
    expect(statuses[0]).toBe('pending');
    expect(statuses.at(-1)).toBe('sent');

    const received = await sentMessage(bob.page, 'Hi Bob! 👋');
    expect(await received.getAttribute('data-own')).toBe('false');
    expect(await received.getAttribute('data-client-id')).toBe(clientId);

    // Shift+Enter breaks the line, Enter sends.
    const input = bob.page.getByTestId('composer-input');
    await input.fill('Hey Alice');
    await input.press('Shift+Enter');
    await input.pressSequentially('two lines');
    await input.press('Enter');
    await sentMessage(alice.page, 'Hey Alice\ntwo lines');
    await sentMessage(bob.page, 'Hey Alice\ntwo lines');
    expect(await input.inputValue()).toBe('');
  });

  it('shows who is online and who is typing', async () => {
    await bob.page
      .locator('[data-testid="presence-user"][data-username="alice"][data-online="true"]')
      .waitFor();
    await alice.page
      .locator('[data-testid="presence-user"][data-username="bob"][data-online="true"]')
      .waitFor();

    await alice.page.getByTestId('composer-input').pressSequentially('I am wri');
    await bob.page
      .getByTestId('typing-indicator')
      .filter({ hasText: 'alice is typing…' })
      .waitFor();
    // Alice does not see herself typing.
    expect(await alice.page.getByTestId('typing-indicator').textContent()).toBe('');

    await alice.page.getByTestId('composer-input').fill('');
    await bob.page
      .getByTestId('typing-indicator')
      .filter({ hasText: exactly('') })
      .waitFor();
  });

  it('shows markup as literal text and runs nothing; links are plain anchors', async () => {
    const img = '<img src=x onerror=alert(1)>';
    const script = '<script>window.__pwned=1</script>';
    await send(alice.page, img);
    await send(alice.page, script);
    await send(alice.page, 'Docs at https://example.com/docs?a=1&b=2.');

    for (const page of [alice.page, bob.page]) {
      await sentMessage(page, img);
      await sentMessage(page, script);
      await sentMessage(page, 'Docs at https://example.com/docs?a=1&b=2.');
      expect(await page.locator('[data-testid="message-list"] img').count()).toBe(0);
      expect(await page.locator('[data-testid="message-list"] script').count()).toBe(0);
      expect(await page.evaluate(() => (window as { __pwned?: unknown }).__pwned)).toBeUndefined();

      const link = page.getByTestId('message-link').filter({ hasText: 'example.com' });
      expect(await link.getAttribute('href')).toBe('https://example.com/docs?a=1&b=2');
      expect(await link.getAttribute('rel')).toBe('noopener noreferrer nofollow');
      expect(await link.getAttribute('target')).toBe('_blank');
    }
  });

  it('catches up after going offline: every missed message exactly once, offline writes sent in order', async () => {
    await bob.context.setOffline(true);
    await bob.page
      .locator('[data-testid="connection-status"]:not([data-status="connected"])')
      .waitFor();
    await bob.page.getByTestId('offline-banner').waitFor();

    for (const n of [1, 2, 3]) await send(alice.page, `missed ${n}`);
    await sentMessage(alice.page, 'missed 3');

    // Written while offline: pending, in order.
    await send(bob.page, 'offline 1');
    await send(bob.page, 'offline 2');
    expect(await messages(bob.page, 'offline 1').getAttribute('data-status')).toBe('pending');
    expect(await messages(bob.page, 'offline 2').getAttribute('data-status')).toBe('pending');

    await bob.context.setOffline(false);
    await connected(bob.page);
    await sentMessage(bob.page, 'missed 3');
    await sentMessage(bob.page, 'offline 2');
    await sentMessage(alice.page, 'offline 2');

    for (const page of [alice.page, bob.page]) {
      for (const text of ['missed 1', 'missed 2', 'missed 3', 'offline 1', 'offline 2']) {
        expect(await messages(page, text).count()).toBe(1);
      }
      const ids = await shownMessageIds(page);
      expect(new Set(ids).size).toBe(ids.length);
      const texts = await shownTexts(page);
      expect(texts.slice(-5)).toEqual([
        'missed 1',
        'missed 2',
        'missed 3',
        'offline 1',
        'offline 2',
      ]);
    }
    // Both pages show the same room, in the same order.
    expect(await shownMessageIds(bob.page)).toEqual(await shownMessageIds(alice.page));
  });

  it('loads older history on scrolling up, without duplicates, keeping the place', async () => {
    const base = stack.cluster.url(0);
    const seeder = await registerUser(base, 'carol');
    const roomId = await createRoomViaApi(base, seeder.token, 'history');
    const socket = await connect(base, seeder.token);
    try {
      await join(socket, roomId);
      for (let i = 1; i <= 120; i += 1) {
        await sendViaSocket(socket, roomId, `history ${String(i).padStart(3, '0')}`);
      }
    } finally {
      socket.close();
    }

    const { page } = alice;
    await openRoom(page, 'history');
    await countIs(page, '[data-testid="message"]', 50);
    const list = page.getByTestId('message-list');

    for (const expected of [100, 120]) {
      const firstShown = (await shownTexts(page))[0] as string;
      await list.evaluate((element) => (element.scrollTop = 0));
      await countIs(page, '[data-testid="message"]', expected);
      // The message that was first is still in view: the place was kept.
      const kept = await messages(page, firstShown).boundingBox();
      const box = await list.boundingBox();
      expect(kept && box && kept.y >= box.y && kept.y < box.y + box.height).toBe(true);
    }
    await list.evaluate((element) => (element.scrollTop = 0));
    await page.getByTestId('history-start').waitFor();

    const texts = await shownTexts(page);
    expect(texts).toEqual(
      Array.from({ length: 120 }, (_, i) => `history ${String(i + 1).padStart(3, '0')}`),
    );
    const ids = await shownMessageIds(page);
    expect(new Set(ids).size).toBe(120);

    // Scrolled up, new messages do not pull the reader down: a button says how many came.
    const again = await connect(stack.cluster.url(1), seeder.token);
    try {
      await join(again, roomId);
      await sendViaSocket(again, roomId, 'fresh 1');
      await sendViaSocket(again, roomId, 'fresh 2');
    } finally {
      again.close();
    }
    const jump = page.getByTestId('jump-to-latest');
    await jump.filter({ hasText: '2 new messages' }).waitFor();
    expect(await list.evaluate((element) => element.scrollTop)).toBeLessThan(200);
    await jump.click();
    await jump.waitFor({ state: 'detached' });
    await page.waitForFunction(() => {
      const element = document.querySelector('[data-testid="message-list"]') as HTMLElement;
      return element.scrollHeight - element.scrollTop - element.clientHeight < 80;
    });
  });

  it('starts a DM; the unread badge appears live, survives a reload, and clears when opened', async () => {
    // Alice opens a DM with Bob through the dialog (Escape closes it first).
    await alice.page.getByTestId('new-dm').click();
    const dialog = alice.page.getByRole('dialog');
    await dialog.waitFor();
    expect(await dialog.getAttribute('aria-modal')).toBe('true');
    await alice.page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect(
      await alice.page.evaluate(() => document.activeElement?.getAttribute('data-testid')),
    ).toBe('new-dm');

    await alice.page.getByTestId('new-dm').click();
    await alice.page.getByTestId('start-dm-username').fill('bob');
    await alice.page.getByTestId('start-dm-submit').click();
    await alice.page.getByTestId('room-title').filter({ hasText: 'bob' }).waitFor();
    await alice.page.locator('[data-testid="room-view"][data-joined="true"]').waitFor();

    // Bob is in "general"; the DM appears for him (room:added) and counts up live.
    const dm = roomItem(bob.page, 'alice, bob');
    await dm.waitFor();
    await send(alice.page, 'psst, Bob');
    await dm
      .locator('[data-testid="unread-badge"]')
      .filter({ hasText: exactly('1') })
      .waitFor();
    await send(alice.page, 'are you there?');
    await dm
      .locator('[data-testid="unread-badge"]')
      .filter({ hasText: exactly('2') })
      .waitFor();
    // The room in view never shows a badge.
    expect(await roomItem(bob.page, 'general').getAttribute('data-unread')).toBe('0');

    // The count comes from the server after a reload too.
    await bob.page.reload();
    await connected(bob.page);
    await dm
      .locator('[data-testid="unread-badge"]')
      .filter({ hasText: exactly('2') })
      .waitFor();

    await openRoom(bob.page, 'alice, bob');
    await sentMessage(bob.page, 'are you there?');
    await dm.locator('[data-testid="unread-badge"]').waitFor({ state: 'detached' });
    // room:read moved the server's marker.
    await waitUntil(async () => {
      const { body } = await http<RoomsResponse>(stack.cluster.url(1), 'GET', '/api/rooms', {
        token: bobToken,
      });
      return body.rooms.find((room) => room.name === 'alice, bob')?.unread === 0;
    });
    // A message arriving in the room in view does not count.
    await send(alice.page, 'great!');
    await sentMessage(bob.page, 'great!');
    expect(await dm.getAttribute('data-unread')).toBe('0');

    // Unread counts for a room Bob is not looking at, live.
    await openRoom(bob.page, 'general');
    await send(alice.page, 'one more');
    await dm
      .locator('[data-testid="unread-badge"]')
      .filter({ hasText: exactly('1') })
      .waitFor();
  });

  it('creates a private room and adds a member through the dialog', async () => {
    await createRoom(alice.page, 'secret-plans', 'private');
    expect(await alice.page.getByTestId('room-info').textContent()).toContain('Private room');

    await alice.page.getByTestId('add-member').click();
    const input = alice.page.getByTestId('add-member-username');
    // Focus moved into the dialog.
    expect(await input.evaluate((element) => element === document.activeElement)).toBe(true);
    await input.fill('nobody_here');
    await alice.page.getByTestId('add-member-submit').click();
    await alice.page.getByTestId('add-member-error').waitFor();
    await input.fill('bob');
    await alice.page.getByTestId('add-member-submit').click();
    await alice.page.getByTestId('add-member-done').waitFor();
    await alice.page.keyboard.press('Escape');
    await alice.page.getByRole('dialog').waitFor({ state: 'detached' });

    // Bob gets the room live (room:added), and its unread count.
    const item = roomItem(bob.page, 'secret-plans');
    await item.waitFor();
    expect(await item.getAttribute('data-room-kind')).toBe('private');
    await send(alice.page, 'Welcome to the secret room, Bob');
    await item
      .locator('[data-testid="unread-badge"]')
      .filter({ hasText: exactly('1') })
      .waitFor();
    await openRoom(bob.page, 'secret-plans');
    await sentMessage(bob.page, 'Welcome to the secret room, Bob');
    await item.locator('[data-testid="unread-badge"]').waitFor({ state: 'detached' });
  });

  it('fits a phone screen: the room list, then the room with a way back', async () => {
    const phone = await openPage(stack, 0, {
      viewport: { width: 390, height: 844 },
      isMobile: true,
    });
    try {
      await logIn(phone.page, 'alice');
      await phone.page.getByTestId('room-list').waitFor();
      await openRoom(phone.page, 'general');
      expect(await phone.page.getByTestId('room-list').isVisible()).toBe(false);
      await sentMessage(phone.page, 'Hi Bob! 👋');
      const width = await phone.page.evaluate(() => document.documentElement.scrollWidth);
      expect(width).toBeLessThanOrEqual(390);
      await phone.page.getByTestId('back-to-rooms').click();
      await phone.page.getByTestId('room-list').waitFor();
      await phone.page.screenshot({ path: artifactPath('chat-phone.png') });
      expect(phone.log.errors).toEqual([]);
    } finally {
      await phone.context.close();
    }
  });

  it('saves screenshots of the main screen, light and dark', async () => {
    await createRoom(alice.page, 'design-review', 'public');
    await openRoom(bob.page, 'design-review');
    const lines: [Page, string][] = [
      [alice.page, 'Morning! The new sidebar is up on staging.'],
      [bob.page, 'Nice, unread badges and presence dots look great'],
      [bob.page, 'Can we make the typing indicator a bit subtler?'],
      [alice.page, 'Sure, on it. Notes: https://example.com/design/sidebar'],
    ];
    for (const [page, text] of lines) {
      await send(page, text);
      await sentMessage(alice.page, text);
    }
    await alice.page.getByTestId('composer-input').click();
    await alice.page.screenshot({ path: artifactPath('chat-light.png') });

    const dark = await openPage(stack, 1, { colorScheme: 'dark' });
    try {
      await logIn(dark.page, 'bob');
      await openRoom(dark.page, 'design-review');
      await sentMessage(dark.page, lines.at(-1)![1]);
      await dark.page.screenshot({ path: artifactPath('chat-dark.png') });
      const background = await dark.page.evaluate(
        () => getComputedStyle(document.querySelector('main') as Element).backgroundColor,
      );
      expect(background).not.toBe('rgb(255, 255, 255)');
      expect(dark.log.errors).toEqual([]);
    } finally {
      await dark.context.close();
    }
  });

  it('keeps the session over a reload, and ends a revoked one with a message', async () => {
    await alice.page.reload();
    await alice.page.getByTestId('current-user').filter({ hasText: 'alice' }).waitFor();
    await connected(alice.page);

    // The token of Bob's browser session is revoked elsewhere (logged out through another instance).
    const token = await bob.page.evaluate(() => localStorage.getItem('chat.token'));
    expect(token).toBeTruthy();
    const { status } = await http(stack.cluster.url(0), 'POST', '/api/auth/logout', {
      token: token as string,
    });
    expect(status).toBe(204);
    await bob.page.getByTestId('session-notice').waitFor();
    await bob.page.getByTestId('auth-form').waitFor();
    expect(await bob.page.evaluate(() => localStorage.getItem('chat.token'))).toBeNull();
  });
});

/** Records every data-status a message row shows, in order, per clientId. */
async function recordStatuses(page: Page): Promise<void> {
  await page.evaluate(() => {
    const statuses: [string, string][] = [];
    (window as unknown as { __statuses: [string, string][] }).__statuses = statuses;
    const record = (node: Element) =>
      statuses.push([
        node.getAttribute('data-client-id') ?? '',
        node.getAttribute('data-status') ?? '',
      ]);
    const list = document.querySelector('[data-testid="message-list"]');
    if (!list) throw new Error('no message list');
    new MutationObserver((mutations) => {
      for (const mutation of mutations) {
        if (mutation.type === 'attributes' && mutation.target instanceof Element) {
          record(mutation.target);
        }
        for (const node of mutation.addedNodes) {
          if (node instanceof Element && node.matches('[data-testid="message"]')) record(node);
        }
      }
    }).observe(list, {
      subtree: true,
      childList: true,
      attributes: true,
      attributeFilter: ['data-status'],
    });
  });
}
