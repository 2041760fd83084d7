import type { BrowserContext, Page } from 'playwright-core';
import { LIMITS } from '@chat/shared';
import {
  connect,
  createRoom as createRoomViaApi,
  join,
  registerUser,
  send as sendViaSocket,
} from '../../server/test/support/clients';
import { openPage, type PageLog, stackForSuite } from './support/stack';
import {
  connected,
  openRoom,
  register,
  sentMessage,
  shownMessageIds,
  shownTexts,
} from './support/ui';

/*
 * A browser that missed more than MISSED_MAX messages while offline showed
 * only what the capped rejoin carried (or, before the cap, could be closed
 * as a slow consumer on the rejoin itself, forever). Now it keeps what it
 * had, and scrolling back fills the gap: every message once, in order.
 * Real Chromium against one server instance on a real Redis.
 */

jest.setTimeout(60_000);

const stack = stackForSuite(1);
let reader: { context: BrowserContext; page: Page; log: PageLog };

beforeAll(async () => {
  reader = await openPage(stack, 0);
}, 90_000);

const pad = (n: number) => String(n).padStart(3, '0');

it('fills the gap of a capped catch-up by scrolling back: every missed message once, in order', async () => {
  const base = stack.cluster.url(0);
  const writer = await registerUser(base, 'gapwriter');
  const roomId = await createRoomViaApi(base, writer.token, 'gaps');
  const socket = await connect(base, writer.token);
  const { page } = reader;
  try {
    await join(socket, roomId);
    for (let i = 1; i <= 3; i += 1) await sendViaSocket(socket, roomId, `held ${i}`);

    await register(page, 'gapreader');
    await openRoom(page, 'gaps');
    await sentMessage(page, 'held 3');

    await reader.context.setOffline(true);
    await page
      .locator('[data-testid="connection-status"]:not([data-status="connected"])')
      .waitFor();
    const missed = LIMITS.missedMax + 60;
    for (let i = 1; i <= missed; i += 1) await sendViaSocket(socket, roomId, `missed ${pad(i)}`);
    await reader.context.setOffline(false);
    await connected(page);
    await sentMessage(page, `missed ${pad(missed)}`);

    const list = page.getByTestId('message-list');
    const expected = [
      ...[1, 2, 3].map((i) => `held ${i}`),
      ...Array.from({ length: missed }, (_, i) => `missed ${pad(i + 1)}`),
    ];
    // Scroll back until the start of the room: each scroll to the top loads one more page.
    while (!(await page.getByTestId('history-start').isVisible())) {
      const count = (await shownTexts(page)).length;
      await list.evaluate((element) => (element.scrollTop = 0));
      await page.waitForFunction(
        (before) =>
          document.querySelectorAll('[data-testid="message-text"]').length > before ||
          document.querySelector('[data-testid="history-start"]') !== null,
        count,
      );
    }
    expect(await shownTexts(page)).toEqual(expected);
    const ids = await shownMessageIds(page);
    expect(new Set(ids).size).toBe(expected.length);
    expect(reader.log.errors).toEqual([]);
  } finally {
    socket.close();
  }
});
