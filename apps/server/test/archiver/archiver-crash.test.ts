import { waitUntil, type ArchiverProcess } from '@chat/testkit';
import { ARCHIVE_GROUP } from '../../src/redis/archive-feed';
import {
  idsOf,
  sendMessages,
  useArchiveStack,
  waitArchived,
  type ArchiveStack,
} from './archive-stack';

/*
 * Archivers die (SIGKILL) while messages flow through two server instances:
 * nothing is lost, nothing is archived twice. An entry is acknowledged only
 * after its batch is committed, and what a dead archiver held is taken over
 * by another (XAUTOCLAIM after ARCHIVER_CLAIM_IDLE_MS, short here) or re-read.
 */

const stack = useArchiveStack({
  instances: 2,
  archiverEnv: { ARCHIVER_CLAIM_IDLE_MS: '300', ARCHIVER_BATCH_SIZE: '20' },
});

/** Entries the group has delivered to `consumer` and not had acknowledged. */
async function pendingOf(stack: ArchiveStack, consumer: string): Promise<number> {
  const summary = (await stack.client.xpending(stack.keys.archiveFeed(), ARCHIVE_GROUP)) as [
    number,
    string | null,
    string | null,
    [string, string][] | null,
  ];
  return Number(summary[3]?.find(([name]) => name === consumer)?.[1] ?? 0);
}

/** True when `archiver`'s reading connection sits in XREADGROUP BLOCK inside Redis. */
async function blockedInRedis(stack: ArchiveStack, archiver: ArchiverProcess): Promise<boolean> {
  const clients = String(await stack.client.client('LIST'));
  return clients
    .split('\n')
    .some(
      (line) =>
        line.includes(`name=chat:${archiver.consumer}:blocking `) && / flags=\w*b/.test(line),
    );
}

test('an archiver killed with SIGKILL mid-stream and restarted: every message archived exactly once', async () => {
  const { roomId, senders } = await stack.room();
  const first = await stack.startArchiver();
  const sending = sendMessages(senders, roomId, 200, 'crash');
  // Kill it once it has archived some of the stream, while the rest is still being sent.
  await waitUntil(async () => (await stack.archivedIds(roomId)).length >= 30, {
    what: 'the first archiver to archive 30 messages',
  });
  await first.stop('SIGKILL');
  const second = await stack.startArchiver();
  const sent = await sending;
  expect(sent).toHaveLength(200);
  expect(await waitArchived(stack, roomId, 200)).toEqual(idsOf(sent));
  // Nothing is left unacknowledged: the dead archiver's entries were taken over.
  await waitUntil(async () => (await pendingOf(stack, first.consumer)) === 0, {
    what: "the dead archiver's entries to be taken over",
  });
  await second.stop('SIGKILL');
});

test('two archivers at once: no duplicate, no loss; one killed while holding entries, the other takes them over', async () => {
  const { roomId, senders } = await stack.room();
  const [a, b] = [await stack.startArchiver(), await stack.startArchiver()];
  const together = await sendMessages(senders, roomId, 120, 'both');
  expect(await waitArchived(stack, roomId, 120)).toEqual(idsOf(together));

  // A graceful stop finishes its batch, acknowledges it and leaves the group.
  expect(await b.stop('SIGTERM')).toBe(0);
  const consumers = (await stack.client.xinfo(
    'CONSUMERS',
    stack.keys.archiveFeed(),
    ARCHIVE_GROUP,
  )) as string[][];
  expect(consumers.map((fields) => fields[1])).not.toContain(b.consumer);
  // Freeze `a` while Redis holds its blocking read, so the next entries are delivered to it
  // (they become its pending entries) and it can never commit them; then kill it.
  await waitUntil(
    async () => {
      a.process.signal('SIGSTOP');
      if (await blockedInRedis(stack, a)) return true;
      a.process.signal('SIGCONT');
      return false;
    },
    { what: 'archiver a frozen inside its blocking read' },
  );
  const held = await sendMessages(senders, roomId, 6, 'held');
  await waitUntil(async () => (await pendingOf(stack, a.consumer)) > 0, {
    what: 'archiver a to hold pending entries',
  });
  const holding = await pendingOf(stack, a.consumer);
  await a.stop('SIGKILL');
  expect((await stack.archivedIds(roomId)).length).toBeLessThan(126);

  const c = await stack.startArchiver();
  expect(await waitArchived(stack, roomId, 126)).toEqual(idsOf([...together, ...held]));
  expect(await pendingOf(stack, a.consumer)).toBe(0);
  expect(c.output).toContain('took over entries of an idle archiver');
  expect(holding).toBeGreaterThan(0);
  await c.stop('SIGTERM');
});
