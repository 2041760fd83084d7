import type { Message } from '@chat/shared';
import {
  connect,
  createRoom,
  http,
  join,
  registerUser,
  send,
  uniqueName,
  type ClientSocket,
} from '../../server/test/support/clients';
import { expectAccessible } from './support/a11y';
import { archiveMessages } from './support/archive-stand-in';
import { postgresForSuite } from './support/postgres';
import { openPage, PASSWORD, stackForSuite } from './support/stack';
import { logIn, openRoom, roomItem, send as sendInPage } from './support/ui';

/*
 * An automated accessibility audit (axe-core inside real Chromium, WCAG 2.x A and AA) of
 * every screen and dialog of the app, in the light theme and the dark one: the sign-in
 * screen in both modes and with its errors, the chat screen with a room and a conversation
 * that uses every kind of formatting, the sidebar (unread badge, private room, DM, people
 * online), each dialog empty and with its error, the search with results open, and the
 * phone layout. None may have a serious or critical violation.
 */

jest.setTimeout(180_000);

// PostgreSQL first: its beforeAll runs before the stack's, which reads the URL.
const postgres = postgresForSuite('a11y_e2e');
const stack = stackForSuite(1, () => ({ DATABASE_URL: postgres.databaseUrl, RATE_LIMITS: 'off' }));

const WORD = 'quokka';

/** What the conversation's messages show: every kind of formatting, long lines among them. */
const BOB_SAYS = [
  `Morning! Did you see the **${WORD}** pictures?`,
  'They are _so_ good, see https://example.com/quokkas_(gallery) and `www.example.org`',
  '```ts\nconst quokkas = photos.filter((photo) => photo.tags.includes("quokka") && photo.rating >= 4);\n```',
  'Plain `<b>not bold</b>` and <script>alert(1)</script> stay text.',
];
const ALICE_SAYS = [
  `***Wow***, the ${WORD} one is the best. Is \`rating\` out of 5?`,
  'Yes:\n```\n1 2 3 4 5\n```\nand _**five**_ it is https://example.com/five',
];

let alice: { username: string; token: string };
let bob: { username: string; token: string; socket: ClientSocket };
let lobbyName: string;
let secretName: string;

beforeAll(async () => {
  const base = stack.cluster.url(0);
  const [aliceAuth, bobAuth] = await Promise.all([
    registerUser(base, uniqueName('alice')),
    registerUser(base, uniqueName('bob')),
  ]);
  alice = { username: aliceAuth.user.username, token: aliceAuth.token };
  bob = {
    username: bobAuth.user.username,
    token: bobAuth.token,
    socket: await connect(base, bobAuth.token),
  };
  const aliceSocket = await connect(base, alice.token);
  try {
    lobbyName = uniqueName('lobby');
    secretName = uniqueName('secret');
    const lobby = await createRoom(base, alice.token, lobbyName, 'public');
    const secret = await createRoom(base, alice.token, secretName, 'private');
    await Promise.all([
      join(aliceSocket, lobby),
      join(bob.socket, lobby),
      join(aliceSocket, secret),
    ]);
    const stored: Message[] = [];
    for (let i = 0; i < BOB_SAYS.length; i += 1) {
      stored.push(await send(bob.socket, lobby, BOB_SAYS[i]!));
      if (ALICE_SAYS[i]) stored.push(await send(aliceSocket, lobby, ALICE_SAYS[i]!));
    }
    stored.push(await send(aliceSocket, secret, `Notes on the ${WORD} trip`));
    // A DM from Bob that Alice has not read: an unread badge in her sidebar.
    const dm = await http<{ room: { id: string } }>(base, 'POST', '/api/dms', {
      token: bob.token,
      body: { username: alice.username },
    });
    await join(bob.socket, dm.body.room.id);
    stored.push(await send(bob.socket, dm.body.room.id, `Are you coming to see the ${WORD}s?`));
    await archiveMessages(postgres.databaseUrl, stored);
  } finally {
    aliceSocket.close();
  }
}, 90_000);

afterAll(() => {
  bob?.socket.close();
});

test('the sign-in screen: log in, register, and their errors', async () => {
  const { page, context, log } = await openPage(stack, 0);
  try {
    await page.getByTestId('auth-form').waitFor();
    await expectAccessible(page, 'log in');

    // Submitted empty: both fields show their errors.
    await page.getByTestId('auth-submit').click();
    await page.locator('[aria-invalid="true"]').nth(1).waitFor();
    await expectAccessible(page, 'log in, invalid');

    await page.getByTestId('auth-username').fill(alice.username);
    await page.getByTestId('auth-password').fill(`${PASSWORD} but wrong`);
    await page.getByTestId('auth-submit').click();
    await page.getByTestId('auth-error').waitFor();
    await expectAccessible(page, 'log in, refused');

    await page.getByTestId('auth-mode-register').click();
    await page.locator('[data-testid="auth-form"][data-mode="register"]').waitFor();
    await expectAccessible(page, 'register');
    expect(log.errors).toEqual([]);
  } finally {
    await context.close();
  }
});

test('the chat screen: welcome, a room with a formatted conversation, the sidebar', async () => {
  const { page, context, log } = await openPage(stack, 0);
  try {
    await logIn(page, alice.username);
    await roomItem(page, lobbyName).waitFor();
    await page.locator('[data-testid="unread-badge"]').waitFor();
    await page.locator(`[data-testid="presence-user"][data-username="${bob.username}"]`).waitFor();
    await expectAccessible(page, 'welcome and sidebar');

    await openRoom(page, lobbyName);
    await page.locator('[data-testid="message-code-block"]').nth(1).waitFor();
    await expectAccessible(page, 'public room with a conversation');

    await openRoom(page, secretName);
    await expectAccessible(page, 'private room');

    const dm = page.locator('[data-testid="room-item"][data-room-kind="dm"]');
    await dm.click();
    await page.locator('[data-testid="room-view"][data-joined="true"]').waitFor();
    await expectAccessible(page, 'direct message');
    expect(log.errors).toEqual([]);
    expect(log.cspViolations).toEqual([]);
  } finally {
    await context.close();
  }
});

test('offline: the banner, the status, and a message waiting to be sent', async () => {
  const { page, context, log } = await openPage(stack, 0);
  try {
    await logIn(page, alice.username);
    await openRoom(page, secretName);
    await context.setOffline(true);
    await page.getByTestId('offline-banner').waitFor();
    await sendInPage(page, 'Written _offline_, sent **later**');
    await page.locator('[data-testid="message"][data-status="pending"]').waitFor();
    await expectAccessible(page, 'offline, a message pending');
    await context.setOffline(false);
    expect(log.errors).toEqual([]);
  } finally {
    await context.close();
  }
});

test('every dialog, empty and with its error', async () => {
  const { page, context, log } = await openPage(stack, 0);
  try {
    await logIn(page, alice.username);

    await page.getByTestId('new-room').click();
    await page.getByTestId('create-room-dialog').waitFor();
    await expectAccessible(page, 'new room');
    await page.getByTestId('create-room-submit').click();
    await page.getByTestId('create-room-error').waitFor();
    await expectAccessible(page, 'new room, invalid');
    await page.keyboard.press('Escape');
    await page.getByTestId('create-room-dialog').waitFor({ state: 'detached' });

    await page.getByTestId('new-dm').click();
    await page.getByTestId('start-dm-dialog').waitFor();
    await expectAccessible(page, 'new direct message');
    await page.getByTestId('start-dm-username').fill(uniqueName('nobody'));
    await page.getByTestId('start-dm-submit').click();
    await page.getByTestId('start-dm-error').waitFor();
    await expectAccessible(page, 'new direct message, unknown user');
    await page.keyboard.press('Escape');
    await page.getByTestId('start-dm-dialog').waitFor({ state: 'detached' });

    await openRoom(page, secretName);
    await page.getByTestId('add-member').click();
    await page.getByTestId('add-member-dialog').waitFor();
    await expectAccessible(page, 'add people');
    await page.getByTestId('add-member-username').fill(bob.username);
    await page.getByTestId('add-member-submit').click();
    await page.getByTestId('add-member-done').waitFor();
    await expectAccessible(page, 'add people, added');
    await page.getByTestId('add-member-username').fill(uniqueName('nobody'));
    await page.getByTestId('add-member-submit').click();
    await page.getByTestId('add-member-error').waitFor();
    await expectAccessible(page, 'add people, unknown user');
    expect(log.errors).toEqual([]);
  } finally {
    await context.close();
  }
});

test('the search with results open', async () => {
  const { page, context, log } = await openPage(stack, 0);
  try {
    await logIn(page, alice.username);
    await openRoom(page, lobbyName);
    await page.getByTestId('search-input').fill(WORD);
    await page.waitForFunction(
      () => document.querySelectorAll('[data-testid="search-result"]').length >= 3,
    );
    await page.getByTestId('search-input').press('ArrowDown');
    await expectAccessible(page, 'search results');
    expect(log.errors).toEqual([]);
  } finally {
    await context.close();
  }
});

test('the phone layout: the room list, a room, a dialog', async () => {
  const { page, context, log } = await openPage(stack, 0, {
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
  });
  try {
    await page.getByTestId('auth-form').waitFor();
    await expectAccessible(page, 'phone: log in');
    await logIn(page, alice.username);
    await roomItem(page, lobbyName).waitFor();
    await expectAccessible(page, 'phone: room list');

    await openRoom(page, lobbyName);
    await page.locator('[data-testid="message-code-block"]').nth(1).waitFor();
    // The long code line scrolls inside its block; the page itself never scrolls sideways.
    expect(
      await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth),
    ).toBe(true);
    await expectAccessible(page, 'phone: room');

    await page.getByTestId('back-to-rooms').click();
    await page.getByTestId('new-room').click();
    await page.getByTestId('create-room-dialog').waitFor();
    await expectAccessible(page, 'phone: new room');
    expect(log.errors).toEqual([]);
  } finally {
    await context.close();
  }
});
