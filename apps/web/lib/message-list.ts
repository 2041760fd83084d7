import { compareMessageIds, type ErrorBody, type Message, type ReplySnapshot } from '@chat/shared';

/*
 * One room's messages, as pure functions over an immutable value.
 *
 * - `sent` holds the server's messages: unique by id, in the room's order
 *   (compareMessageIds). History pages, live `message:new`, acks and the
 *   `missed` of a rejoin all go through `mergeMessages`, in any order and
 *   with any overlap.
 * - `local` holds this client's messages the server has not confirmed yet,
 *   in the order they were written. A server message with the same sender and
 *   clientId replaces its local copy, whichever of ack and `message:new` comes
 *   first.
 *
 * Every function returns its input unchanged (the same object) when nothing
 * changes, so React can skip re-rendering.
 */

export type LocalStatus = 'pending' | 'failed';

/** A message written here and not confirmed by the server yet. */
export interface LocalMessage {
  clientId: string;
  roomId: string;
  userId: string;
  username: string;
  /** Trimmed, as the server will store it. */
  text: string;
  /** When it was written, ISO 8601 (the server's time replaces it once stored). */
  createdAt: string;
  status: LocalStatus;
  /** Why the last attempt failed (status 'failed'). */
  error?: ErrorBody;
  /** Protocol v1.1: the message it answers, as it was when the reply was written. */
  replyTo?: ReplySnapshot;
}

export interface MessageList {
  readonly sent: readonly Message[];
  readonly local: readonly LocalMessage[];
}

export const EMPTY_MESSAGE_LIST: MessageList = Object.freeze({
  sent: Object.freeze([]),
  local: Object.freeze([]),
}) as MessageList;

/** Adds server messages: deduplicated by id, in id order; drops the local copies they confirm. */
export function mergeMessages(list: MessageList, incoming: readonly Message[]): MessageList {
  if (incoming.length === 0) return list;

  const fresh = new Map<string, Message>();
  for (const message of incoming) {
    if (!fresh.has(message.id) && indexOfId(list.sent, message.id) < 0)
      fresh.set(message.id, message);
  }

  const local = list.local.filter(
    (mine) => !incoming.some((m) => m.clientId === mine.clientId && m.userId === mine.userId),
  );
  if (fresh.size === 0) {
    return local.length === list.local.length ? list : { sent: list.sent, local };
  }

  const added = [...fresh.values()].sort((a, b) => compareMessageIds(a.id, b.id));
  return {
    sent: mergeSorted(list.sent, added),
    local: local.length === list.local.length ? list.local : local,
  };
}

/**
 * Adds (or re-arms) a local message. A message the server already confirmed
 * (same sender and clientId) is not shown twice; an existing local copy with
 * the same clientId is replaced in place, keeping its position.
 */
export function addLocal(list: MessageList, message: LocalMessage): MessageList {
  if (list.sent.some((m) => m.clientId === message.clientId && m.userId === message.userId))
    return list;
  const at = list.local.findIndex((m) => m.clientId === message.clientId);
  if (at < 0) return { sent: list.sent, local: [...list.local, message] };
  const local = list.local.slice();
  local[at] = message;
  return { sent: list.sent, local };
}

/** Marks a local message failed with the reason. Unknown clientIds change nothing. */
export function markFailed(list: MessageList, clientId: string, error: ErrorBody): MessageList {
  return updateLocal(list, clientId, (m) => ({ ...m, status: 'failed', error }));
}

/** Puts a failed local message back to pending, for a retry with the same clientId. */
export function markPending(list: MessageList, clientId: string): MessageList {
  return updateLocal(list, clientId, (m) =>
    m.status === 'pending' ? m : { ...m, status: 'pending', error: undefined },
  );
}

export function findLocal(list: MessageList, clientId: string): LocalMessage | undefined {
  return list.local.find((m) => m.clientId === clientId);
}

export function pendingMessages(list: MessageList): LocalMessage[] {
  return list.local.filter((m) => m.status === 'pending');
}

/** The newest server id seen: the `after` cursor of a rejoin. */
export function newestId(list: MessageList): string | undefined {
  return list.sent.at(-1)?.id;
}

/** The oldest server id held: the `before` cursor of the next history page. */
export function oldestId(list: MessageList): string | undefined {
  return list.sent[0]?.id;
}

/* ----- Internals ----- */

function updateLocal(
  list: MessageList,
  clientId: string,
  change: (message: LocalMessage) => LocalMessage,
): MessageList {
  const at = list.local.findIndex((m) => m.clientId === clientId);
  if (at < 0) return list;
  const current = list.local[at] as LocalMessage;
  const next = change(current);
  if (next === current) return list;
  const local = list.local.slice();
  local[at] = next;
  return { sent: list.sent, local };
}

/** Binary search in a list sorted by id: the index of `id`, or -1. */
export function indexOfId(sorted: readonly Message[], id: string): number {
  let low = 0;
  let high = sorted.length - 1;
  while (low <= high) {
    const mid = (low + high) >>> 1;
    const order = compareMessageIds((sorted[mid] as Message).id, id);
    if (order === 0) return mid;
    if (order < 0) low = mid + 1;
    else high = mid - 1;
  }
  return -1;
}

/** Merges two id-sorted lists without common ids. Appending newer messages is the fast path. */
function mergeSorted(a: readonly Message[], b: readonly Message[]): Message[] {
  const lastA = a.at(-1);
  const firstB = b[0];
  if (!lastA || (firstB && compareMessageIds(lastA.id, firstB.id) < 0)) return [...a, ...b];
  const lastB = b.at(-1);
  const firstA = a[0];
  if (lastB && firstA && compareMessageIds(lastB.id, firstA.id) < 0) return [...b, ...a];

  const out: Message[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i] as Message;
    const y = b[j] as Message;
    if (compareMessageIds(x.id, y.id) <= 0) {
      out.push(x);
      i += 1;
    } else {
      out.push(y);
      j += 1;
    }
  }
  while (i < a.length) out.push(a[i++] as Message);
  while (j < b.length) out.push(b[j++] as Message);
  return out;
}
