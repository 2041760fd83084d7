import {
  compareMessageIds,
  type Message,
  type RoomReadEvent,
  type RoomSummary,
} from '@chat/shared';

/*
 * Unread counts per room, as pure functions over an immutable record.
 *
 * The server computes counts only for GET /api/rooms (PROTOCOL.md, "Unread
 * counts"); no event carries them. The client starts from those summaries and
 * keeps them current itself:
 *
 * - a live `message:new` from someone else in a room the user is not looking
 *   at adds one (each message id once);
 * - looking at a room resets it to 0 (and the UI sends `room:read`);
 * - a `room:read` event (this or another of the user's devices moved the
 *   marker) recounts from the messages held after the marker, or 0.
 *
 * Protocol v1.1 mentions follow the same rules, apart: `mentions` counts the
 * unread messages that mention the reader (the summaries' `mentions`, then
 * live messages whose `mentions` hold the reader's id).
 *
 * Every function returns its input unchanged when nothing changes.
 */

export interface UnreadState {
  /** Unread messages per room id; missing means 0. */
  readonly counts: Readonly<Record<string, number>>;
  /** Protocol v1.1: unread messages that mention the reader, per room id; missing means 0. */
  readonly mentions: Readonly<Record<string, number>>;
  /** Ids already counted per room, so a message is never counted twice. */
  readonly counted: Readonly<Record<string, readonly string[]>>;
}

export const EMPTY_UNREAD: UnreadState = Object.freeze({
  counts: Object.freeze({}),
  mentions: Object.freeze({}),
  counted: Object.freeze({}),
}) as UnreadState;

/** How many counted ids are remembered per room (enough to dedupe a reconnect's overlap). */
const REMEMBER = 200;

/**
 * Server counts from GET /api/rooms. `replace` (after a connect, when events
 * may have been missed) takes the server's numbers; `raise` (any other fetch)
 * keeps a higher local count, since the server counts 0 for a public room
 * the user never opened even when live messages arrived in it. The room in
 * view stays at 0.
 */
export function applySummaries(
  state: UnreadState,
  rooms: readonly (Pick<RoomSummary, 'id' | 'unread'> & Partial<Pick<RoomSummary, 'mentions'>>)[],
  viewingRoomId: string | null,
  mode: 'replace' | 'raise' = 'replace',
): UnreadState {
  const counts = mergeServerCounts(state.counts, rooms, (r) => r.unread, viewingRoomId, mode);
  const mentions = mergeServerCounts(state.mentions, rooms, (r) => r.mentions, viewingRoomId, mode);
  if (sameCounts(state.counts, counts) && sameCounts(state.mentions, mentions)) return state;
  return { counts, mentions, counted: state.counted };
}

function mergeServerCounts<R extends { id: string }>(
  current: Readonly<Record<string, number>>,
  rooms: readonly R[],
  server: (room: R) => number | undefined,
  viewingRoomId: string | null,
  mode: 'replace' | 'raise',
): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const room of rooms) {
    const fromServer = Math.max(0, Math.floor(server(room) || 0));
    const local = mode === 'raise' ? (current[room.id] ?? 0) : 0;
    const unread = room.id === viewingRoomId ? 0 : Math.max(fromServer, local);
    if (unread > 0) counts[room.id] = unread;
  }
  if (mode === 'raise') {
    // Rooms missing from the answer keep their local count.
    for (const [roomId, count] of Object.entries(current)) {
      if (!(roomId in counts) && roomId !== viewingRoomId && !rooms.some((r) => r.id === roomId))
        counts[roomId] = count;
    }
  }
  return counts;
}

/**
 * A live message: counts when it is someone else's, in a room not in view, and new; it counts
 * as a mention too when its `mentions` hold the reader.
 */
export function countMessage(
  state: UnreadState,
  message: Pick<Message, 'id' | 'roomId' | 'userId'> & Partial<Pick<Message, 'mentions'>>,
  options: { selfId: string; viewingRoomId: string | null },
): UnreadState {
  if (message.userId === options.selfId || message.roomId === options.viewingRoomId) return state;
  const seen = state.counted[message.roomId] ?? [];
  if (seen.includes(message.id)) return state;
  const mentioned = message.mentions?.includes(options.selfId) ?? false;
  return {
    counts: { ...state.counts, [message.roomId]: (state.counts[message.roomId] ?? 0) + 1 },
    mentions: mentioned
      ? { ...state.mentions, [message.roomId]: (state.mentions[message.roomId] ?? 0) + 1 }
      : state.mentions,
    counted: { ...state.counted, [message.roomId]: [...seen, message.id].slice(-REMEMBER) },
  };
}

/** The user looks at the room: nothing in it is unread. */
export function markViewed(state: UnreadState, roomId: string): UnreadState {
  if (!state.counts[roomId] && !state.mentions[roomId]) return state;
  return {
    counts: without(state.counts, roomId),
    mentions: without(state.mentions, roomId),
    counted: state.counted,
  };
}

/** The user left the room (Protocol v1.1): it has no counts any more. */
export function forgetRoom(state: UnreadState, roomId: string): UnreadState {
  return markViewed(state, roomId);
}

function without(counts: Readonly<Record<string, number>>, roomId: string) {
  if (!(roomId in counts)) return counts;
  const next = { ...counts };
  delete next[roomId];
  return next;
}

/**
 * The read marker moved to `event.messageId` (on any of the user's devices).
 * What is still unread is what others wrote after it, among the messages held
 * for the room; without them, the marker is taken as the room's end.
 */
export function applyRead(
  state: UnreadState,
  event: RoomReadEvent,
  options: {
    selfId: string;
    held?: readonly (Pick<Message, 'id' | 'userId'> & Partial<Pick<Message, 'mentions'>>)[];
  },
): UnreadState {
  const current = state.counts[event.roomId] ?? 0;
  const currentMentions = state.mentions[event.roomId] ?? 0;
  if (current === 0 && currentMentions === 0) return state;
  let after = 0;
  let mentionsAfter = 0;
  for (const message of options.held ?? []) {
    if (message.userId !== options.selfId && compareMessageIds(message.id, event.messageId) > 0) {
      after += 1;
      if (message.mentions?.includes(options.selfId)) mentionsAfter += 1;
    }
  }
  const next = Math.min(current, after);
  const nextMentions = Math.min(currentMentions, mentionsAfter);
  if (next === current && nextMentions === currentMentions) return state;
  return {
    counts: withCount(state.counts, event.roomId, next),
    mentions: withCount(state.mentions, event.roomId, nextMentions),
    counted: state.counted,
  };
}

function withCount(counts: Readonly<Record<string, number>>, roomId: string, count: number) {
  if ((counts[roomId] ?? 0) === count) return counts;
  if (count === 0) return without(counts, roomId);
  return { ...counts, [roomId]: count };
}

export function unreadCount(state: UnreadState, roomId: string): number {
  return state.counts[roomId] ?? 0;
}

/** Protocol v1.1: the room's unread messages that mention the reader. */
export function mentionCount(state: UnreadState, roomId: string): number {
  return state.mentions[roomId] ?? 0;
}

/** The badge text: nothing for 0, "99+" past 99 (the server caps its counts at 100). */
export function badgeLabel(count: number): string {
  if (count <= 0) return '';
  return count > 99 ? '99+' : String(count);
}

function sameCounts(a: Readonly<Record<string, number>>, b: Readonly<Record<string, number>>) {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => a[key] === b[key]);
}
