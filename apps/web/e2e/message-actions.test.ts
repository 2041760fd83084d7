import type { BrowserContext, Locator, Page } from 'playwright-core';
import { openPage, type PageLog, stackForSuite } from './support/stack';
import {
  createRoom,
  messages,
  openRoom,
  register,
  roomItem,
  send,
  sentMessage,
} from './support/ui';

/*
 * What people do with messages (issue 14), in real Chromium between two
 * browsers on two server instances: Alice on web app 0 → instance 0, Bob on
 * web app 1 → instance 1, so every change crosses Redis. React, the emoji
 * picker by keyboard, reply, edit, delete, a mention's badge, and leaving a
 * private room. The tests run in order and build on each other (one stack,
 * one pair of users), which keeps the suite short.
 */

jest.setTimeout(60_000);

const stack = stackForSuite(2);
let alice: { context: BrowserContext; page: Page; log: PageLog };
let bob: { context: BrowserContext; page: Page; log: PageLog };

beforeAll(async () => {
  [alice, bob] = await Promise.all([openPage(stack, 0), openPage(stack, 1)]);
  await register(alice.page, 'alice');
  await register(bob.page, 'bob');
  await createRoom(alice.page, 'actions');
  await openRoom(bob.page, 'actions');
}, 90_000);

afterEach(() => {
  // Nothing a user typed may ever run, and the CSP must not block the app itself.
  for (const { log } of [alice, bob]) {
    expect(log.dialogs).toEqual([]);
    expect(log.errors).toEqual([]);
    expect(log.cspViolations).toEqual([]);
  }
});

/** Hovers a message so its actions show, and returns its toolbar. */
async function actionsOf(row: Locator): Promise<Locator> {
  await row.hover();
  const toolbar = row.getByTestId('message-actions');
  await toolbar.waitFor();
  return toolbar;
}

function chip(row: Locator, emoji: string): Locator {
  return row.locator(`[data-testid="reaction-chip"][data-emoji="${emoji}"]`);
}

async function focusedTestId(page: Page): Promise<string | null | undefined> {
  return page.evaluate(() => document.activeElement?.getAttribute('data-testid'));
}

describe('message actions between two browsers', () => {
  it('reacts: a chip with a count on both sides, one’s own pressed, a click toggles it', async () => {
    await send(alice.page, 'Hello bob');
    const onBob = await sentMessage(bob.page, 'Hello bob');
    const onAlice = await sentMessage(alice.page, 'Hello bob');

    await (await actionsOf(onBob)).locator('[data-emoji="👍"]').click();
    await chip(onBob, '👍')
      .and(bob.page.locator('[aria-pressed="true"][data-count="1"]'))
      .waitFor();
    const seen = chip(onAlice, '👍').and(
      alice.page.locator('[aria-pressed="false"][data-count="1"]'),
    );
    await seen.waitFor();
    // Who reacted shows on hover (the title) and in the chip's name.
    expect(await seen.getAttribute('title')).toBe('bob reacted with 👍');

    await seen.click();
    await chip(onBob, '👍').and(bob.page.locator('[data-count="2"]')).waitFor();
    await chip(onAlice, '👍')
      .and(alice.page.locator('[aria-pressed="true"][data-count="2"]'))
      .waitFor();
    await chip(onAlice, '👍').click();
    await chip(onBob, '👍').and(bob.page.locator('[data-count="1"]')).waitFor();
  });

  it('picks an emoji with the keyboard only: Enter opens, typing filters, Enter picks, Escape closes', async () => {
    const row = await sentMessage(bob.page, 'Hello bob');
    await row.focus();
    await bob.page.keyboard.press('Enter');
    expect(await focusedTestId(bob.page)).toBe('quick-reaction');
    // Left from the first action wraps to the last (Reply), then More reactions.
    await bob.page.keyboard.press('ArrowLeft');
    expect(await focusedTestId(bob.page)).toBe('action-reply');
    await bob.page.keyboard.press('ArrowLeft');
    expect(await focusedTestId(bob.page)).toBe('more-reactions');

    // Escape closes the picker and gives the focus back.
    await bob.page.keyboard.press('Enter');
    await bob.page.getByTestId('emoji-picker').waitFor();
    expect(await focusedTestId(bob.page)).toBe('emoji-search');
    await bob.page.keyboard.press('Escape');
    await bob.page.getByTestId('emoji-picker').waitFor({ state: 'detached' });
    expect(await focusedTestId(bob.page)).toBe('more-reactions');

    await bob.page.keyboard.press('Enter');
    await bob.page.keyboard.type('rocket');
    await bob.page
      .locator('[data-testid="emoji-option"][aria-selected="true"][data-emoji="🚀"]')
      .waitFor();
    await bob.page.keyboard.press('Enter');
    await bob.page.getByTestId('emoji-picker').waitFor({ state: 'detached' });
    const onAlice = await sentMessage(alice.page, 'Hello bob');
    await chip(onAlice, '🚀').and(alice.page.locator('[data-count="1"]')).waitFor();

    // Arrows move through the grid too: the second match of "heart" is picked.
    await bob.page.keyboard.press('Enter');
    await bob.page.keyboard.type('heart');
    const first = await bob.page
      .locator('[data-testid="emoji-option"][aria-selected="true"]')
      .getAttribute('data-emoji');
    await bob.page.keyboard.press('ArrowRight');
    const second = await bob.page
      .locator('[data-testid="emoji-option"][aria-selected="true"]')
      .getAttribute('data-emoji');
    expect(second).not.toBe(first);
    await bob.page.keyboard.press('Enter');
    await chip(onAlice, second as string).waitFor();
  });

  it('replies: the quote goes with the message, and a click on it shows the original', async () => {
    const row = await sentMessage(bob.page, 'Hello bob');
    await (await actionsOf(row)).getByTestId('action-reply').click();
    await bob.page.getByTestId('composer-reply').filter({ hasText: 'Hello bob' }).waitFor();
    // The field has the focus: type the answer.
    await bob.page.keyboard.type('Hi alice');
    await bob.page.keyboard.press('Enter');
    await bob.page.getByTestId('composer-reply').waitFor({ state: 'detached' });

    const reply = await sentMessage(alice.page, 'Hi alice');
    const quote = reply.getByTestId('reply-quote');
    await quote.filter({ hasText: 'Hello bob' }).waitFor();
    await quote.click();
    await alice.page
      .locator('[data-testid="message"][data-focused="true"]')
      .filter({ hasText: 'Hello bob' })
      .waitFor();
  });

  it('edits in place (Enter saves, Escape cancels, Up edits the last), and the reply’s quote follows', async () => {
    const own = await sentMessage(alice.page, 'Hello bob');
    await (await actionsOf(own)).getByTestId('action-edit').click();
    const editor = alice.page.getByTestId('message-editor-input');
    await editor.fill('Hello Bob!');
    await editor.press('Enter');
    const edited = await sentMessage(bob.page, 'Hello Bob!');
    await edited.getByTestId('message-edited').waitFor();
    expect(await edited.getByTestId('message-edited').getAttribute('title')).toMatch(/^Edited /);
    await messages(bob.page, 'Hi alice')
      .getByTestId('reply-quote')
      .filter({ hasText: 'Hello Bob!' })
      .waitFor();

    // Up in the empty composer edits one's last message; Escape leaves it as it was.
    await send(alice.page, 'a second one');
    await sentMessage(alice.page, 'a second one');
    await alice.page.getByTestId('composer-input').press('ArrowUp');
    await alice.page.getByTestId('message-editor-input').waitFor();
    expect(await alice.page.getByTestId('message-editor-input').inputValue()).toBe('a second one');
    await alice.page.keyboard.type(' changed');
    await alice.page.keyboard.press('Escape');
    await alice.page.getByTestId('message-editor').waitFor({ state: 'detached' });
    await sentMessage(alice.page, 'a second one');
  });

  it('deletes after a confirmation: a placeholder on both sides, and the quote says so', async () => {
    const own = await sentMessage(alice.page, 'Hello Bob!');
    await (await actionsOf(own)).getByTestId('action-delete').click();
    await alice.page.getByTestId('confirm-delete').waitFor();
    // Cancel has the focus first: Enter does not delete by accident.
    expect(await focusedTestId(alice.page)).toBe('confirm-delete-cancel');
    await alice.page.getByTestId('confirm-delete-confirm').click();

    for (const page of [alice.page, bob.page]) {
      await page
        .locator('[data-testid="message"][data-deleted="true"]')
        .getByTestId('message-deleted')
        .waitFor();
      await page
        .getByTestId('message-text')
        .filter({ hasText: 'Hello Bob!' })
        .waitFor({ state: 'detached' });
    }
    await messages(bob.page, 'Hi alice')
      .getByTestId('reply-quote')
      .filter({ hasText: 'This message was deleted' })
      .waitFor();
    // No actions on a deleted message.
    const placeholder = bob.page.locator('[data-testid="message"][data-deleted="true"]');
    await placeholder.hover();
    expect(await placeholder.getByTestId('message-actions').count()).toBe(0);
  });

  it('mentions: @ offers people, the mentioned user gets a badge of its own and the mention stands out', async () => {
    await createRoom(bob.page, 'elsewhere');
    const input = alice.page.getByTestId('composer-input');
    await input.fill('');
    await input.pressSequentially('look @b');
    await alice.page.locator('[data-testid="mention-option"][data-username="bob"]').waitFor();
    await input.press('Enter');
    expect(await input.inputValue()).toBe('look @bob ');
    await input.pressSequentially('here');
    await input.press('Enter');

    const item = roomItem(bob.page, 'actions');
    await item.getByTestId('mention-badge').filter({ hasText: '@1' }).waitFor();
    expect(await item.getAttribute('data-unread')).not.toBe('0');

    await openRoom(bob.page, 'actions');
    const mention = await sentMessage(bob.page, 'look @bob here');
    expect(await mention.getAttribute('data-mentions-me')).toBe('true');
    await mention.getByTestId('mention-self').filter({ hasText: '@bob' }).waitFor();
    await item.getByTestId('mention-badge').waitFor({ state: 'detached' });
  });

  it('leaves a private room from the members panel: gone from the list, the view moves on', async () => {
    await createRoom(alice.page, 'hideout', 'private');
    await alice.page.getByTestId('open-members').click();
    await alice.page.getByTestId('members-add-username').fill('bob');
    await alice.page.getByTestId('members-add-submit').click();
    await alice.page.locator('[data-testid="member"][data-username="bob"]').waitFor();
    await alice.page.keyboard.press('Escape');

    await openRoom(bob.page, 'hideout');
    await bob.page.getByTestId('open-members').click();
    const panel = bob.page.getByTestId('members-panel');
    await panel
      .locator('[data-testid="member"][data-username="alice"][data-online="true"]')
      .waitFor();
    await panel.getByTestId('members-leave').click();
    await bob.page.getByTestId('confirm-leave-confirm').click();

    await roomItem(bob.page, 'hideout').waitFor({ state: 'detached' });
    await bob.page.getByTestId('room-notice').filter({ hasText: 'You left hideout.' }).waitFor();
    expect(await bob.page.getByTestId('room-view').getAttribute('data-room-id')).not.toBeNull();
    expect(await bob.page.getByTestId('room-title').textContent()).not.toContain('hideout');

    // Alice sees one member left.
    await alice.page.getByTestId('open-members').click();
    await alice.page.locator('[data-testid="member"]').first().waitFor();
    await expectEventually(
      async () => (await alice.page.locator('[data-testid="member"]').count()) === 1,
      async () => {
        await alice.page.keyboard.press('Escape');
        await alice.page.getByTestId('open-members').click();
      },
    );
    await alice.page.keyboard.press('Escape');
    await alice.page.getByTestId('members-panel').waitFor({ state: 'detached' });
  });

  it('hides a DM from its panel; a new message brings it back with its unread count', async () => {
    await bob.page.getByTestId('new-dm').click();
    await bob.page.getByTestId('start-dm-username').fill('alice');
    await bob.page.getByTestId('start-dm-submit').click();
    await bob.page.locator('[data-testid="room-view"][data-joined="true"]').waitFor();
    await bob.page.getByTestId('open-members').click();
    await bob.page.getByTestId('members-leave').click();
    await bob.page.getByTestId('confirm-leave-confirm').click();
    const dm = roomItem(bob.page, 'alice, bob');
    await dm.waitFor({ state: 'detached' });
    await bob.page
      .getByTestId('room-notice')
      .filter({ hasText: 'hidden until a new message arrives' })
      .waitFor();

    // Alice writes in the DM: it is back in Bob's list, counted.
    await openRoom(alice.page, 'alice, bob');
    await send(alice.page, 'still there?');
    await dm.getByTestId('unread-badge').filter({ hasText: '1' }).waitFor();
    await openRoom(bob.page, 'alice, bob');
    await sentMessage(bob.page, 'still there?');
  });
});

/** Polls `check`, running `retry` between tries, until it holds (a 10 s deadline). */
async function expectEventually(
  check: () => Promise<boolean>,
  retry: () => Promise<void>,
): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met within 10 s');
    await retry();
  }
}
