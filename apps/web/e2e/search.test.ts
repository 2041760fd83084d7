import pg from 'pg';
import type { Message, SearchResponse } from '@chat/shared';
import { PostgresArchive } from '../../server/src/postgres/archive';
import { poolSqlClient } from '../../server/src/postgres/sql-client';
import {
  connect,
  createRoom as createRoomViaApi,
  http,
  join,
  registerUser,
  send as sendViaSocket,
  uniqueName,
} from '../../server/test/support/clients';
import { postgresForSuite } from './support/postgres';
import { openPage, stackForSuite } from './support/stack';
import { register, sentMessage, shownTexts } from './support/ui';

/*
 * Search in a real headless Chromium, against a real server in Redis mode with
 * a real PostgreSQL archive (DATABASE_URL; the test kit's PostgreSQL on a free
 * port). Until the archiver (branch i13-archiver) lands, the test archives
 * the messages it sent itself, as the server suites' stand-in does: a prefix
 * finds the messages of rooms the reader may read, with the matched words
 * marked, and never one of a private room they are not in. Opening an old result (170 messages back, older than
 * the room's first page) shows it highlighted among its neighbours, apart
 * from the live end; scrolling down pages forward until the view joins the
 * live end, every message once and in order, and live messages show again,
 * those sent while the view was apart included.
 */

jest.setTimeout(120_000);

// PostgreSQL first: its beforeAll runs before the stack's, which reads the URL.
const postgres = postgresForSuite('search_e2e');
const stack = stackForSuite(1, () => ({ DATABASE_URL: postgres.databaseUrl, RATE_LIMITS: 'off' }));

/**
 * The archiver's stand-in: writes the messages into the archive the server searches (the
 * server migrated its schema at start). Idempotent, as the archiver is: what one already
 * wrote is skipped, so this stays right once a real archiver runs beside it.
 */
async function archive(messages: Message[]): Promise<void> {
  const pool = new pg.Pool({ connectionString: postgres.databaseUrl, max: 1 });
  const archive = new PostgresArchive(poolSqlClient(pool), { close: () => pool.end() });
  try {
    await archive.writeBatch(messages);
  } finally {
    await archive.close();
  }
}

const WORD = 'zebracorn';
const FILLER = 170;
const pad = (n: number) => String(n).padStart(3, '0');

it('finds by prefix in readable rooms only, and opens an old result at its place in the room', async () => {
  const base = stack.cluster.url(0);
  const alice = await registerUser(base, uniqueName('alice'));
  const lobbyName = uniqueName('lobby');
  const lobby = await createRoomViaApi(base, alice.token, lobbyName, 'public');
  const secret = await createRoomViaApi(base, alice.token, uniqueName('secret'), 'private');
  const socket = await connect(base, alice.token);
  const { page, context, log } = await openPage(stack, 0);
  try {
    await join(socket, lobby);
    await join(socket, secret);
    const texts: string[] = [];
    const stored: Message[] = [];
    const say = async (text: string) => {
      texts.push(text);
      const message = await sendViaSocket(socket, lobby, text);
      stored.push(message);
      return message;
    };
    for (let i = 1; i <= 5; i += 1) await say(`before ${i}`);
    const old = await say(`the first ${WORD} of the room`);
    for (let i = 1; i <= FILLER; i += 1) await say(`filler ${pad(i)}`);
    await say(`a recent ${WORD.toUpperCase()} sighting`);
    stored.push(await sendViaSocket(socket, secret, `a secret ${WORD} nobody else reads`));
    await archive(stored);

    // The private message is indexed: its absence from Bob's results means something.
    const own = await http<SearchResponse>(base, 'GET', `/api/search?q=${WORD.slice(0, 5)}`, {
      token: alice.token,
    });
    expect(own.status).toBe(200);
    expect(own.body.messages.map((m) => m.roomId)).toContain(secret);

    await register(page, uniqueName('bob'));
    // Ctrl+K focuses the field from anywhere; a prefix in another case finds both.
    await page.keyboard.press('Control+k');
    const input = page.getByTestId('search-input');
    expect(await input.evaluate((node) => node === document.activeElement)).toBe(true);
    await input.fill('ZEBR');
    const results = page.getByTestId('search-result');
    await page.waitForFunction(
      () => document.querySelectorAll('[data-testid="search-result"]').length === 2,
    );
    expect(
      await results.evaluateAll((rows) => rows.map((r) => r.getAttribute('data-room-id'))),
    ).toEqual([lobby, lobby]);
    expect(await page.getByTestId('search-result-room').allTextContents()).toEqual([
      `#${lobbyName}`,
      `#${lobbyName}`,
    ]);
    // The whole matched word is marked, as written; the rest is plain text, not HTML.
    expect(await page.getByTestId('search-match').allTextContents()).toEqual([
      WORD.toUpperCase(),
      WORD,
    ]);
    expect(await page.getByTestId('search-result-text').allTextContents()).toEqual([
      `a recent ${WORD.toUpperCase()} sighting`,
      `the first ${WORD} of the room`,
    ]);

    // Arrows choose the older result, Enter opens it.
    await input.press('ArrowDown');
    await input.press('Enter');
    const view = page.locator(`[data-testid="room-view"][data-room-id="${lobby}"]`);
    await view.and(page.locator('[data-detached="true"]')).waitFor();
    const focused = page.locator('[data-testid="message"][data-focused="true"]');
    await focused.waitFor();
    expect(await focused.getAttribute('data-message-id')).toBe(old.id);
    expect(await focused.isVisible()).toBe(true);
    await page.waitForFunction(() => {
      const row = document.querySelector('[data-focused="true"]')?.getBoundingClientRect();
      const list = document.querySelector('[data-testid="message-list"]')?.getBoundingClientRect();
      return !!row && !!list && row.top >= list.top && row.bottom <= list.bottom;
    });
    // Its neighbours on both sides, and nothing of the live end yet.
    let shown = await shownTexts(page);
    expect(shown.slice(0, 6)).toEqual(texts.slice(0, 6));
    expect(shown).toContain('filler 001');
    expect(shown).not.toContain(texts.at(-1));
    await page.getByTestId('jump-to-live').waitFor();

    // Sent while the view is apart from the live end: must show once it joins.
    const whileAway = `live while away ${Date.now()}`;
    texts.push(whileAway);
    await sendViaSocket(socket, lobby, whileAway);

    const list = page.getByTestId('message-list');
    for (let i = 0; i < 20 && (await view.getAttribute('data-detached')) === 'true'; i += 1) {
      const count = (await shownTexts(page)).length;
      await list.evaluate((element) => (element.scrollTop = element.scrollHeight));
      await page.waitForFunction(
        ({ before, room }) =>
          document.querySelectorAll('[data-testid="message-text"]').length > before ||
          document.querySelector(`[data-room-id="${room}"][data-detached="false"]`) !== null,
        { before: count, room: lobby },
      );
    }
    expect(await view.getAttribute('data-detached')).toBe('false');
    await page.getByTestId('jump-to-live').waitFor({ state: 'detached' });
    await sentMessage(page, whileAway);
    shown = await shownTexts(page);
    expect(shown).toEqual(texts);

    // Joined to the live end: a new live message appears.
    const live = `live after joining ${Date.now()}`;
    const last = await sendViaSocket(socket, lobby, live);
    await sentMessage(page, live);
    expect((await shownTexts(page)).at(-1)).toBe(live);
    expect(await page.locator(`[data-message-id="${last.id}"]`).count()).toBe(1);
    expect(log.errors).toEqual([]);
    expect(log.cspViolations).toEqual([]);
  } finally {
    socket.close();
    await context.close();
  }
});
