import { waitUntil } from '@chat/testkit';
import { pageBackToFirst, pageForwardFromFirst } from '../support/archive';
import { registerUser } from '../support/clients';
import { idsOf, sendMessages, useArchiveStack, waitArchived } from './archive-stack';

/*
 * Issue 13 end to end, as deployed: two instances with DATABASE_URL and a small
 * MESSAGE_RETENTION, the real archiver moving the feed into PostgreSQL and trimming the room
 * stream behind it, and history paged over HTTP through both instances, from the newest
 * message to the first and forward again, across the seam between Redis and PostgreSQL.
 * (test/history/seam.test.ts proves the same reads against every shape of seam with a
 * stand-in archiver; this one proves the real archiver leaves no gap for them.)
 */

const SENT = 1200;

describe.each([50, 500])('retention %i, with the archiver', (retention) => {
  const stack = useArchiveStack({ retention });

  test(`${SENT} messages sent across two instances page back to the first and forward again, each exactly once`, async () => {
    const archiver = await stack.startArchiver();
    const { roomId, senders } = await stack.room();
    const sent = await sendMessages(senders, roomId, SENT, 'seam');
    expect(await waitArchived(stack, roomId, SENT)).toEqual(idsOf(sent));
    // The archiver trims the room down to the retention once what it drops is committed.
    const roomKey = stack.keys.roomMessages(roomId);
    await waitUntil(async () => (await stack.client.xlen(roomKey)) === retention, {
      what: `the room stream trimmed to ${retention}`,
    });

    const reader = await registerUser(stack.url(1));
    const urls = [stack.url(0), stack.url(1)];
    const want = idsOf(sent);
    const texts = new Map(sent.map((message) => [message.id, message.text]));
    for (const limit of [7, 100]) {
      const back = await pageBackToFirst(urls, reader.token, roomId, limit);
      expect(back.map((message) => message.id)).toEqual(want);
      expect(back.every((message) => texts.get(message.id) === message.text)).toBe(true);
      const forward = await pageForwardFromFirst(urls, reader.token, roomId, limit);
      expect(forward.map((message) => message.id)).toEqual(want);
    }
    await archiver.stop('SIGTERM');
  }, 90_000);
});
