import type { Message } from '@chat/shared';
import type { LocalMessage, MessageList } from '../../lib/message-list';
import type { TimelineEntry } from '../../lib/timeline-rows';

/* Messages for the pure tests of lib/: Bob's from the server, Alice's written here. */

export const ALICE = { id: 'u-alice', username: 'alice' };
export const BOB = { id: 'u-bob', username: 'bob' };

/** A local noon on 5 January 2026, plus `minutes`: stays on one local day in any time zone. */
export function at(minutes: number, day = 5): string {
  return new Date(2026, 0, day, 12, minutes).toISOString();
}

let clientSeq = 0;
export function msg(id: string, overrides: Partial<Message> = {}): Message {
  clientSeq += 1;
  return {
    id,
    roomId: 'r1',
    userId: BOB.id,
    username: BOB.username,
    text: `text ${id}`,
    clientId: `c-${id}-${clientSeq}`,
    createdAt: at(0),
    ...overrides,
  };
}

export function local(clientId: string, overrides: Partial<LocalMessage> = {}): LocalMessage {
  return {
    clientId,
    roomId: 'r1',
    userId: ALICE.id,
    username: ALICE.username,
    text: `local ${clientId}`,
    createdAt: at(0),
    status: 'pending',
    ...overrides,
  };
}

export const ids = (list: MessageList) => list.sent.map((m) => m.id);
/** A server message by id, a local one by clientId. */
export const idOf = (entry: TimelineEntry) =>
  entry.status === 'sent' ? entry.message.id : entry.message.clientId;
