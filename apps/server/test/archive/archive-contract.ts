import { randomUUID } from 'node:crypto';
import { compareMessageIds, messageIdTime, type Message } from '@chat/shared';
import type { Archive, MessageRange } from '../../src/ports';

/*
 * One contract for every implementation of the Archive port: PostgreSQL now,
 * a PGlite twin for the embedded mode next. `list` must answer exactly as
 * MessageLog.list does, so history can page from Redis into the archive with
 * the same cursors; the reference below is that contract in ten lines.
 */

/** How a suite gets an archive of an implementation: started once, one archive per suite. */
export interface ArchiveTwin {
  /** Starts what the implementation needs (a server, a folder); once per file. */
  start(): Promise<void>;
  /** A new, empty, migrated archive. */
  create(): Promise<Archive>;
  /** Stops what start() started. */
  stop(): Promise<void>;
}

let clientIds = 0;
export function message(roomId: string, id: string, text = `message ${id}`): Message {
  return {
    id,
    roomId,
    userId: 'user-ann',
    username: 'ann',
    text,
    clientId: `client-${(clientIds += 1)}`,
    createdAt: new Date(messageIdTime(id)).toISOString(),
  };
}

/** MessageLog.list's contract over a sorted list of ids. */
function expected(ids: string[], { after, before, limit, from }: MessageRange) {
  const inRange = ids.filter(
    (id) =>
      (after === undefined || compareMessageIds(id, after) > 0) &&
      (before === undefined || compareMessageIds(id, before) < 0),
  );
  const page = from === 'oldest' ? inRange.slice(0, limit) : inRange.slice(-limit);
  return { ids: page, hasMore: inRange.length > limit };
}

const idsOf = (messages: Message[]) => messages.map((m) => m.id);

export function describeArchiveContract(name: string, twin: ArchiveTwin): void {
  describe(`Archive contract: ${name}`, () => {
    let archive: Archive;
    beforeAll(async () => {
      await twin.start();
      archive = await twin.create();
    });
    afterAll(async () => {
      await archive?.close();
      await twin.stop();
    });
    const newRoom = () => `room-${randomUUID()}`;

    describe('writeBatch', () => {
      test('is idempotent: the same batch twice stores each message once', async () => {
        const room = newRoom();
        const batch = ['1700000000000-0', '1700000000000-1', '1700000000001-0'].map((id) =>
          message(room, id),
        );
        expect(await archive.writeBatch(batch)).toBe(3);
        expect(await archive.writeBatch(batch)).toBe(0);
        const page = await archive.list(room, { limit: 10 });
        expect(idsOf(page.messages)).toEqual(idsOf(batch));
        expect(page.messages).toEqual(batch);
      });

      test('a re-delivered message changes nothing; the new ones of its batch are stored', async () => {
        const room = newRoom();
        const original = message(room, '1700000000000-0', 'the original');
        await archive.writeBatch([original]);
        const redelivered = { ...original, text: 'something else' };
        const fresh = message(room, '1700000000000-1');
        expect(await archive.writeBatch([redelivered, fresh, fresh])).toBe(1);
        const page = await archive.list(room, { limit: 10 });
        expect(page.messages).toEqual([original, fresh]);
      });

      test('an empty batch stores nothing', async () => {
        expect(await archive.writeBatch([])).toBe(0);
      });

      test('rooms are apart: the same id in two rooms is two messages', async () => {
        const [a, b] = [newRoom(), newRoom()];
        expect(
          await archive.writeBatch([message(a, '1700000000000-0'), message(b, '1700000000000-0')]),
        ).toBe(2);
        expect((await archive.list(a, { limit: 10 })).messages.map((m) => m.roomId)).toEqual([a]);
      });
    });

    describe('list', () => {
      test('orders ids as numbers, not as text (-2 before -10; 12-digit ms before 13)', async () => {
        const room = newRoom();
        const sorted = [
          '999999999999-5',
          '1700000000000-0',
          '1700000000000-1',
          '1700000000000-2',
          '1700000000000-10',
          '1700000000001-0',
        ];
        await archive.writeBatch(
          ['1700000000000-10', '1700000000001-0', '1700000000000-2', '999999999999-5']
            .concat(['1700000000000-1', '1700000000000-0'])
            .map((id) => message(room, id)),
        );
        expect(idsOf((await archive.list(room, { limit: 100 })).messages)).toEqual(sorted);
        const page = await archive.list(room, {
          after: '1700000000000-1',
          before: '1700000000001-0',
          limit: 100,
        });
        expect(idsOf(page.messages)).toEqual(['1700000000000-2', '1700000000000-10']);
      });

      describe('across thousands of ids, many in the same millisecond', () => {
        const room = newRoom();
        // 2,400 ids: 12 per millisecond, so sequences run past 9 (lexicographic order would break).
        const ids = Array.from(
          { length: 2400 },
          (_, i) => `${1700000000000 + Math.floor(i / 12)}-${i % 12}`,
        );
        beforeAll(async () => {
          const shuffled = [...ids].sort(() => Math.random() - 0.5);
          for (let i = 0; i < shuffled.length; i += 500)
            await archive.writeBatch(shuffled.slice(i, i + 500).map((id) => message(room, id)));
        });

        test('paging back from the newest with `before` reaches the first, each once, in order', async () => {
          const seen: string[] = [];
          let before: string | undefined;
          let pages = 0;
          for (;;) {
            const page = await archive.list(room, { before, limit: 250 });
            seen.unshift(...idsOf(page.messages));
            pages += 1;
            if (!page.hasMore) break;
            before = page.messages[0]!.id;
          }
          expect(pages).toBe(10);
          expect(seen).toEqual(ids);
        });

        test('hasMore at both ends: the oldest page has none, a full newest page has more', async () => {
          expect(await archive.list(room, { limit: 2400 })).toMatchObject({ hasMore: false });
          expect(await archive.list(room, { limit: 2399 })).toMatchObject({ hasMore: true });
          const oldest = await archive.list(room, { before: ids[5], limit: 5 });
          expect(idsOf(oldest.messages)).toEqual(ids.slice(0, 5));
          expect(oldest.hasMore).toBe(false);
          const newest = await archive.list(room, { after: ids[2394], limit: 5 });
          expect(idsOf(newest.messages)).toEqual(ids.slice(2395));
          expect(newest.hasMore).toBe(false);
          expect((await archive.list(room, { after: ids[2393], limit: 5 })).hasMore).toBe(true);
        });

        test('every range answers as MessageLog.list does', async () => {
          const cursors = [
            undefined,
            ids[0],
            ids[11],
            ids[12],
            ids[999],
            ids[2399],
            '1700000000050-99',
          ];
          cursors.push('1600000000000-0', '1800000000000-0');
          for (const after of cursors)
            for (const before of cursors)
              for (const limit of [1, 7, 100, 5000])
                for (const from of ['newest', 'oldest'] as const) {
                  const page = await archive.list(room, { after, before, limit, from });
                  const want = expected(ids, { after, before, limit, from });
                  expect({
                    after,
                    before,
                    limit,
                    from,
                    ids: idsOf(page.messages),
                    hasMore: page.hasMore,
                  }).toEqual({
                    after,
                    before,
                    limit,
                    from,
                    ...want,
                  });
                }
        });
      });

      test('a room never written lists nothing', async () => {
        expect(await archive.list(newRoom(), { limit: 10 })).toEqual({
          messages: [],
          hasMore: false,
        });
      });
    });

    describe('search', () => {
      const room = newRoom();
      const other = newRoom();
      const texts: [string, string][] = [
        ['1700000001000-0', 'Hello world'],
        ['1700000001000-1', 'hello again, World!'],
        ['1700000001000-2', 'Привет, мир! Как дела?'],
        ['1700000001000-10', 'Καλημέρα κόσμε'],
        ['1700000001001-0', 'nothing to see'],
        ['1700000001002-0', "a & b | c ! d :* e \\ f ' g"],
        ['1700000001003-0', ''],
        ['1700000001004-0', 'HELLO from the newest'],
      ];
      beforeAll(async () => {
        await archive.writeBatch(texts.map(([id, text]) => message(room, id, text)));
        await archive.writeBatch([message(other, '1700000001005-0', 'hello from elsewhere')]);
      });
      const search = async (query: string, more: { before?: string; limit?: number } = {}) =>
        idsOf(
          (await archive.search({ query, roomIds: [room], limit: more.limit ?? 20, ...more }))
            .messages,
        );

      test('finds a word regardless of case, newest first', async () => {
        expect(await search('hello')).toEqual([
          '1700000001004-0',
          '1700000001000-1',
          '1700000001000-0',
        ]);
        expect(await search('HeLLo')).toEqual(await search('hello'));
      });

      test("finds a word's prefix; every word must match", async () => {
        expect(await search('wor')).toEqual(['1700000001000-1', '1700000001000-0']);
        expect(await search('hel aga')).toEqual(['1700000001000-1']);
        expect(await search('hello nothing')).toEqual([]);
      });

      test('in other scripts: Cyrillic and Greek, by word and prefix, regardless of case', async () => {
        expect(await search('МИР')).toEqual(['1700000001000-2']);
        expect(await search('прив')).toEqual(['1700000001000-2']);
        expect(await search('καλημέρα')).toEqual(['1700000001000-10']);
        expect(await search('ΚΌΣΜΕ')).toEqual(['1700000001000-10']);
      });

      test('only in the rooms given', async () => {
        expect(await search('elsewhere')).toEqual([]);
        const both = await archive.search({ query: 'hello', roomIds: [room, other], limit: 20 });
        expect(idsOf(both.messages)[0]).toBe('1700000001005-0');
        expect(both.messages).toHaveLength(4);
        expect(await archive.search({ query: 'hello', roomIds: [], limit: 20 })).toEqual({
          messages: [],
          hasMore: false,
        });
      });

      test('pages by `before`, newest first, with hasMore', async () => {
        const first = await archive.search({ query: 'hello', roomIds: [room], limit: 2 });
        expect(idsOf(first.messages)).toEqual(['1700000001004-0', '1700000001000-1']);
        expect(first.hasMore).toBe(true);
        const next = await archive.search({
          query: 'hello',
          roomIds: [room],
          limit: 2,
          before: '1700000001000-1',
        });
        expect(idsOf(next.messages)).toEqual(['1700000001000-0']);
        expect(next.hasMore).toBe(false);
      });

      test('quotes, operators and backslashes are harmless: plain separators, normal results', async () => {
        const injections = [
          "'",
          "hello'",
          "hello' | 'nothing",
          'hello & !world',
          'hello | nothing',
          '!hello',
          'hel:*',
          ':*',
          '\\',
          'hello\\',
          "'); DROP TABLE messages; --",
          '((hello',
          'hello <-> world',
          '&|!:*()\'"\\',
        ];
        for (const query of injections) {
          const page = await archive.search({ query, roomIds: [room], limit: 20 });
          expect(Array.isArray(page.messages)).toBe(true);
        }
        expect(await search("hello'")).toEqual(await search('hello'));
        expect(await search('hello & !world')).toEqual(['1700000001000-1', '1700000001000-0']);
        expect(await search('hello | nothing')).toEqual([]);
        expect(await search('!hello')).toEqual(await search('hello'));
        expect(await search("'")).toEqual([]);
        expect(await search('&|!:*()\'"\\')).toEqual([]);
        // The letters around the operators in a stored text are still words.
        expect(await search('g')).toEqual(['1700000001002-0']);
        expect((await archive.list(room, { limit: 100 })).messages).toHaveLength(texts.length);
      });

      test('an empty text (a deleted message) never matches', async () => {
        expect(await search('')).toEqual([]);
        expect(await search('   ')).toEqual([]);
      });
    });
  });
}
