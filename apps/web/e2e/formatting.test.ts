import type { BrowserContext, Page } from 'playwright-core';
import { uniqueName } from '../../server/test/support/clients';
import { openPage, type PageLog, stackForSuite } from './support/stack';
import { createRoom, logIn, openRoom, register, send, sentMessage } from './support/ui';

/*
 * Light formatting between two browsers in real Chromium: what one person types with
 * **bold**, _italic_, `code`, a fenced block and a link shows as those elements to the
 * other, and markup typed as text stays text (nothing runs, no CSP report); on a phone a
 * long code line scrolls inside its block, and neither the bubble nor the page grows wider
 * than the screen.
 */

jest.setTimeout(90_000);

const stack = stackForSuite(1);

const FORMATTED = 'A **bold** and _italic_ word, `npm test` and https://example.com/a_b_c';
const BLOCK =
  'Run this:\n```sh\nfor f in *.ts; do echo "**$f**" <b>not html</b>; done # ' +
  'x'.repeat(200) +
  '\n```';
const MARKUP = '**<img src=x onerror="window.__pwned=1">** `<script>window.__pwned=2</script>`';

let alice: { context: BrowserContext; page: Page; log: PageLog };
let bob: { context: BrowserContext; page: Page; log: PageLog };
let room: string;
let bobName: string;

beforeAll(async () => {
  [alice, bob] = await Promise.all([
    openPage(stack, 0),
    openPage(stack, 0, { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true }),
  ]);
  bobName = uniqueName('bob');
  await Promise.all([register(alice.page, uniqueName('alice')), register(bob.page, bobName)]);
  room = uniqueName('format');
  await createRoom(alice.page, room);
  await openRoom(bob.page, room);
}, 90_000);

afterAll(async () => {
  await Promise.all([alice?.context.close(), bob?.context.close()]);
});

/** The row of the message whose text (as shown) is `shown`, as both see it once sent. */
async function delivered(shown: string) {
  await sentMessage(alice.page, shown);
  return sentMessage(bob.page, shown);
}

test('bold, italic, inline code and links render as elements for the other person', async () => {
  await send(alice.page, FORMATTED);
  const row = await delivered('A bold and italic word, npm test and https://example.com/a_b_c');
  const text = row.getByTestId('message-text');
  expect(await text.locator('strong').allTextContents()).toEqual(['bold']);
  expect(await text.locator('em').allTextContents()).toEqual(['italic']);
  expect(await text.locator('code').allTextContents()).toEqual(['npm test']);
  expect(await text.locator('a').getAttribute('href')).toBe('https://example.com/a_b_c');
});

test('a fenced block shows verbatim with its language, and scrolls inside the bubble on a phone', async () => {
  await send(alice.page, BLOCK);
  const code = `for f in *.ts; do echo "**$f**" <b>not html</b>; done # ${'x'.repeat(200)}`;
  const row = await delivered(`Run this:sh${code}`);
  const block = row.getByTestId('message-code-block');
  expect(await block.getByTestId('message-code-language').textContent()).toBe('sh');
  expect(await block.locator('pre > code').textContent()).toBe(code);
  expect(await block.locator('b, strong, em').count()).toBe(0);

  const sizes = await block.locator('pre').evaluate((pre) => {
    const bubble = pre.closest('[data-testid="message-text"]')!.getBoundingClientRect();
    return {
      scrolls: pre.scrollWidth > pre.clientWidth,
      bubbleRight: bubble.right,
      viewport: window.innerWidth,
      pageWidth: document.documentElement.scrollWidth,
    };
  });
  expect(sizes.scrolls).toBe(true);
  expect(sizes.bubbleRight).toBeLessThanOrEqual(sizes.viewport);
  expect(sizes.pageWidth).toBeLessThanOrEqual(sizes.viewport);
});

test('markup inside formatting is text: nothing is parsed as HTML and nothing runs', async () => {
  await send(alice.page, MARKUP);
  const row = await delivered(
    '<img src=x onerror="window.__pwned=1"> <script>window.__pwned=2</script>',
  );
  const text = row.getByTestId('message-text');
  expect(await text.locator('strong').textContent()).toBe('<img src=x onerror="window.__pwned=1">');
  expect(await text.locator('code').textContent()).toBe('<script>window.__pwned=2</script>');
  for (const { page, log } of [alice, bob]) {
    expect(
      await page
        .locator('[data-testid="message-list"] img, [data-testid="message-list"] script')
        .count(),
    ).toBe(0);
    expect(await page.evaluate(() => (window as { __pwned?: unknown }).__pwned)).toBeUndefined();
    expect(log.errors).toEqual([]);
    expect(log.cspViolations).toEqual([]);
  }
});

test('a viewer who logs in later sees the same formatting from history', async () => {
  const { page, context, log } = await openPage(stack, 0);
  try {
    await logIn(page, bobName);
    await openRoom(page, room);
    await sentMessage(page, 'A bold and italic word, npm test and https://example.com/a_b_c');
    expect(await page.locator('[data-testid="message-text"] strong').count()).toBe(2);
    expect(await page.getByTestId('message-code-block').count()).toBe(1);
    expect(log.errors).toEqual([]);
  } finally {
    await context.close();
  }
});
