import type { BrowserContext, Page } from 'playwright-core';
import {
  connect,
  createRoom,
  join,
  registerUser,
  send,
  uniqueName,
} from '../../server/test/support/clients';
import { openPage, type PageLog, stackForSuite } from './support/stack';
import { countIs, logIn, openRoom } from './support/ui';

/*
 * Twenty crafted 4,000-character messages (a link followed by thousands of
 * unmatched closing brackets and punctuation) froze every viewer's tab for
 * seconds, because the link renderer's trimming was quadratic; in a real
 * Chromium they now render with exactly the right links and the text intact.
 * (Speed is measured in docs/RELIABILITY.md, not asserted here.)
 */

jest.setTimeout(60_000);

const TEXT_MAX = 4000;

/** The families of trailing junk that were worst for the quadratic trimming. */
const JUNK = [')', ').', ']!', '}])', '.'];

function crafted(i: number): { text: string; href: string } {
  const href = `https://example.test/page_(${i})`;
  const head = `${i}: ${href}`;
  const unit = JUNK[i % JUNK.length]!;
  const junk = unit.repeat(Math.floor((TEXT_MAX - head.length) / unit.length));
  return { text: head + junk, href };
}

const stack = stackForSuite(1);
let viewer: { context: BrowserContext; page: Page; log: PageLog };

beforeAll(async () => {
  viewer = await openPage(stack, 0);
}, 90_000);

test('renders twenty worst-case messages with the right links and the text intact', async () => {
  const username = uniqueName('linker');
  const author = await registerUser(stack.cluster.url(0), username);
  const roomName = uniqueName('links');
  const roomId = await createRoom(stack.cluster.url(0), author.token, roomName);
  const socket = await connect(stack.cluster.url(0), author.token);
  const sent = Array.from({ length: 20 }, (_, i) => crafted(i));
  try {
    await join(socket, roomId);
    for (const message of sent) await send(socket, roomId, message.text);
  } finally {
    socket.close();
  }

  const { page, log } = viewer;
  await logIn(page, username);
  await openRoom(page, roomName);
  await countIs(page, '[data-testid="message-link"]', sent.length);

  const links = await page.$$eval('[data-testid="message-link"]', (anchors) =>
    anchors.map((a) => ({ href: a.getAttribute('href'), text: a.textContent })),
  );
  expect(links).toEqual(sent.map(({ href }) => ({ href, text: href })));
  const texts = await page.$$eval('[data-testid="message-text"]', (nodes) =>
    nodes.map((node) => node.textContent),
  );
  expect(texts).toEqual(sent.map(({ text }) => text));
  expect(log.errors).toEqual([]);
  expect(log.dialogs).toEqual([]);
});
