import type { Message } from '@chat/shared';
import type { LocalMessage, LocalStatus, MessageList } from './message-list';

/*
 * The rows a room's timeline renders, built from its MessageList by pure
 * functions: server messages then local ones, a day separator at each new
 * local day, and runs of one sender grouped. Keys are stable and unique, so
 * React keeps each row's element (and focus) from pending to sent.
 */

export type TimelineEntry =
  | { key: string; status: 'sent'; message: Message }
  | { key: string; status: LocalStatus; message: LocalMessage };

export type TimelineRow =
  | { kind: 'day'; key: string; /** ISO time of the day's first message. */ at: string }
  | {
      kind: 'message';
      key: string;
      entry: TimelineEntry;
      own: boolean;
      /** First of a run by one sender: show the sender's name and time. */
      startsGroup: boolean;
    };

export interface TimelineOptions {
  /** The signed-in user's id: their messages are `own`. */
  selfId: string;
  /** Messages by one sender further apart than this start a new group. Default 5 minutes. */
  groupWindowMs?: number;
}

/**
 * Server messages then local ones, as entries with stable React keys. The key
 * is the sender and clientId, which a local message shares with the stored
 * message that confirms it: the row stays the same element from pending to
 * sent (no flicker, no lost focus). A pair seen twice (a clientId reused after
 * the server forgot it) falls back to the id.
 */
export function timelineEntries(list: MessageList): TimelineEntry[] {
  const keys = new Set<string>();
  const keyFor = (message: { userId: string; clientId: string }, fallback: string) => {
    const key = messageKey(message);
    if (!keys.has(key)) {
      keys.add(key);
      return key;
    }
    keys.add(fallback);
    return fallback;
  };
  const entries: TimelineEntry[] = list.sent.map((message) => ({
    key: keyFor(message, `id:${message.id}`),
    status: 'sent',
    message,
  }));
  for (const message of list.local) {
    entries.push({
      key: keyFor(message, `local:${message.clientId}`),
      status: message.status,
      message,
    });
  }
  return entries;
}

/** The React key of a message: its sender and clientId. */
export function messageKey(message: { userId: string; clientId: string }): string {
  return `m:${message.userId}:${message.clientId}`;
}

/** The rows to render: a separator at each new local day, and sender groups. */
export function buildTimeline(list: MessageList, options: TimelineOptions): TimelineRow[] {
  const windowMs = options.groupWindowMs ?? 5 * 60_000;
  const rows: TimelineRow[] = [];
  let previous: { day: string; userId: string; time: number } | undefined;

  for (const entry of timelineEntries(list)) {
    const { message } = entry;
    const time = Date.parse(message.createdAt);
    const day = localDayKey(message.createdAt);
    if (day !== previous?.day) rows.push({ kind: 'day', key: `day:${day}`, at: message.createdAt });
    const startsGroup =
      previous === undefined ||
      day !== previous.day ||
      message.userId !== previous.userId ||
      !(Math.abs(time - previous.time) <= windowMs);
    rows.push({
      kind: 'message',
      key: entry.key,
      entry,
      own: message.userId === options.selfId,
      startsGroup,
    });
    previous = { day, userId: message.userId, time };
  }
  return rows;
}

/** `YYYY-MM-DD` of an ISO time in the viewer's time zone. */
export function localDayKey(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return 'unknown';
  const month = String(date.getMonth() + 1).padStart(2, '0');
  const day = String(date.getDate()).padStart(2, '0');
  return `${date.getFullYear()}-${month}-${day}`;
}
