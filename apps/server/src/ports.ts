import type { Message, Room, User } from '@chat/shared';
import type { RatePolicy } from './chat/rate-limits';
import type { ClusterEvent } from './cluster-events';

/*
 * The interfaces the core (services/, http/, socket/) needs, one per concern
 * and one per Redis channel (MessageLog owns MESSAGES, EventBus owns EVENTS).
 * Two implementations stand behind each, under the same file name: redis/
 * (any number of instances) and embedded/ (one process, in memory). One
 * contract suite (test/ports.contract.test.ts) runs every port against both.
 */

export interface StoredUser extends User {
  /** scrypt hash with its salt and parameters; never leaves the server. */
  passwordHash: string;
  createdAt: string;
}

export interface UserStore {
  /** Creates the user unless the username is taken regardless of case. */
  create(user: StoredUser): Promise<'created' | 'taken'>;
  /** Case-insensitive lookup. */
  findByUsername(username: string): Promise<StoredUser | null>;
  findById(id: string): Promise<User | null>;
  /** Replaces the user's password hash (password change, rehash with stronger parameters). */
  setPasswordHash(userId: string, passwordHash: string): Promise<void>;
}

/** A live session: whose it is, and in how many ms it ends unless it is used again. */
export interface LiveSession {
  userId: string;
  ttlMs: number;
}

export interface SessionStore {
  /**
   * Remembers a login token (only its hash is stored) for `ttlSec` at most
   * (absolute expiry), and for `idleSec` (default `ttlSec`) after its last
   * use (sliding expiry, see `use`). Indexed under its user for `revokeAllOf`.
   */
  create(tokenHash: string, userId: string, ttlSec: number, idleSec?: number): Promise<void>;
  /** The user id a live token belongs to, or null when unknown, expired or revoked. */
  resolve(tokenHash: string): Promise<string | null>;
  /**
   * The live session of a token, or null. With `idleSec`, a use: its idle
   * expiry moves to `idleSec` from now, never past its absolute expiry.
   * Without, a look that changes nothing.
   */
  use(tokenHash: string, idleSec?: number): Promise<LiveSession | null>;
  /** Revokes the token everywhere; false when it was not live. */
  revoke(tokenHash: string): Promise<boolean>;
  /**
   * Revokes every live session of the user except `keepTokenHash`, everywhere;
   * returns the hashes of the sessions it revoked.
   */
  revokeAllOf(userId: string, keepTokenHash?: string): Promise<string[]>;
}

/**
 * A page of a room list: at most `limit` rooms, those after `after` in the
 * list's order (oldest first). When `after` has left the list, the page
 * starts after the rooms created at or before its creation time.
 */
export interface RoomPage {
  after?: { id: string; createdAtMs: number };
  limit: number;
}

export interface RoomStore {
  /**
   * Stores a room with its first members. Public room names are unique
   * regardless of case (`name_taken`); private room names are not, so that
   * a 409 never reveals that somebody else's private room exists.
   */
  create(room: Room, memberIds: string[]): Promise<'created' | 'name_taken'>;
  get(roomId: string): Promise<Room | null>;
  /** Every public room, oldest first; with `page`, only that page of them. */
  listPublic(page?: RoomPage): Promise<Room[]>;
  /** The private rooms and DMs the user belongs to, oldest first; with `page`, only that page. */
  listPrivateFor(userId: string, page?: RoomPage): Promise<Room[]>;
  isMember(roomId: string, userId: string): Promise<boolean>;
  /** Adds a member; false when they already were one. */
  addMember(roomId: string, userId: string): Promise<boolean>;
  /**
   * The one DM room of two users. Race-safe across instances: when both ask
   * at once, both get the same room and only one is stored.
   */
  getOrCreateDm(room: Room, userIds: [string, string]): Promise<{ room: Room; created: boolean }>;
  /**
   * Membership (issue 14): takes the user out of the room's members and out of their own
   * room list in one step; false when they were not a member. The room itself stays, with
   * its `createdBy`, also when nobody is left in it. (Redis Cluster: two steps, access first;
   * docs/ARCHITECTURE.md "Cluster mode: stores across slots".)
   */
  removeMember(roomId: string, userId: string): Promise<boolean>;
  /**
   * At most `limit` of the room's member ids, in id order: all of them when the room has at most
   * `limit` members; of a larger room, `limit` of them (which ones is the backend's choice).
   * Its cost is bounded by `limit`, never by the size of the room.
   */
  memberIds(roomId: string, limit: number): Promise<string[]>;
  /**
   * Hides a DM from the user's room list while its newest message id is not above `upTo`
   * (`upTo` = its newest id at the time, or "0-0" when it had none): a read-time rule, so a
   * new message costs nothing here. Replaces an earlier mark of the same DM.
   */
  hideDm(userId: string, roomId: string, upTo: string): Promise<void>;
  /** Forgets the user's mark on the DM (it is listed again whatever its messages); false when there was none. */
  unhideDm(userId: string, roomId: string): Promise<boolean>;
  /** The user's marks: DM room id → `upTo` of `hideDm`. */
  hiddenDms(userId: string): Promise<Map<string, string>>;
}

export interface AppendRequest {
  roomId: string;
  userId: string;
  username: string;
  text: string;
  clientId: string;
  /** Protocol v1.1: the id of the message of the same room this one answers. */
  replyTo?: string;
  /** Protocol v1.1: ids of the existing users the text @mentions (resolved by the caller). */
  mentions?: string[];
}

export type AppendResult =
  | { status: 'stored'; message: Message }
  /** The same user sent this clientId to this room before: the original message, nothing stored or published. */
  | { status: 'duplicate'; message: Message }
  /** Over the user's cluster-wide message rate: nothing stored or published. */
  | { status: 'rate_limited'; retryAfterMs: number }
  /**
   * The same user sent this clientId to this room before, but the message is no longer
   * retained (trimmed past MESSAGE_RETENTION within CLIENT_ID_TTL_SEC): nothing stored or
   * published; the caller may find it in the archive.
   */
  | { status: 'duplicate_unretained'; messageId: string }
  /** `replyTo` names no retained, undeleted message of the room: nothing stored or published. */
  | { status: 'reply_not_found' };

/**
 * Protocol v1.1: a change to one message, computed by the caller from the message's current
 * state (chat/message-changes.ts): `next(current)` returns the new state, `unchanged` (an
 * idempotent no-op: nothing is stored or published) or throws (forbidden, not_found,
 * invalid_input). It may be called more than once (a concurrent change won a race).
 */
export interface ChangeRequest {
  roomId: string;
  messageId: string;
  next(current: Message): Message | 'unchanged';
}

export type ChangeResult =
  /** Stored and published as `changeId`, in the room's order with its messages. */
  | { status: 'changed'; message: Message; changeId: string }
  /** `next` answered `unchanged`: the current state, nothing stored or published. */
  | { status: 'unchanged'; message: Message }
  /** No such message is retained in the room (unknown, or trimmed past the retention). */
  | { status: 'not_found' };

/**
 * Protocol v1.1: a change as the live feed carries it: the message's whole state after it,
 * and its id in the room's order (the same id space as message ids: greater than every
 * message and change before it, smaller than every one after).
 */
export interface MessageUpdate {
  message: Message;
  changeId: string;
}

/** What a member rejoining after `after` gets, read in one snapshot. */
export interface CatchUpRead {
  /** The newest `limit` messages after `after` (with `oldestRetained`), as `list` returns them. */
  page: RetainedPage;
  /**
   * The current state of messages at or before `after` changed after `after` was stored,
   * newest change first, at most `limit`.
   */
  updated: Message[];
  /**
   * The newest id of the room's order (message or change) the read reflects: live messages
   * and changes at or below it are in the read, those above came after it.
   */
  asOf: string;
}

export interface MessageLimits {
  /** Messages per user per second; 0 = unlimited. */
  ratePerSec: number;
  /** Bucket size: how many may be sent at once after a quiet spell. */
  burst: number;
}

/** A page of a room's history, oldest first. */
export interface MessagePage {
  messages: Message[];
  /** True when more messages than the page holds lie in the range asked for (all older). */
  hasMore: boolean;
}

/** The open range `after < id < before` of a room's log (either end absent: unbounded), and a page size. */
export interface MessageRange {
  after?: string;
  before?: string;
  /** At most this many messages, 1 or more; callers bound it (LIMITS.historyMax, LIMITS.missedMax). */
  limit: number;
  /**
   * Which end of the range the page is taken from: `newest` (default) the newest `limit`
   * messages, `hasMore` when older ones remain in the range; `oldest` the oldest `limit`,
   * `hasMore` when newer ones remain (paging forward, from a search result say). Either
   * way the page is oldest first.
   */
  from?: 'newest' | 'oldest';
}

/** A page of what the MessageLog retains (Redis, or the embedded process's memory). */
export interface RetainedPage extends MessagePage {
  /**
   * The id of the oldest message the log still retains for the room, whatever the range
   * asked; absent when it retains none. Messages older than it were trimmed (MESSAGE_RETENTION):
   * with an archive they are there (trimming waits for the archive), without they are gone.
   */
  oldestRetained?: string;
}

/**
 * A room's message log, end to end: the stored history and its live feed, the
 * MESSAGES channel. Every instance reads the same log, so the order of ids is
 * the order every instance relays in, and the history's.
 */
export interface MessageLog {
  /**
   * In one atomic step: returns the original for a (user, room, clientId) seen
   * before; applies the user's rate limit; appends to the room's history
   * (assigning the id that fixes the room's order); publishes the stored
   * message on MESSAGES. Nothing is published that was not stored.
   */
  append(request: AppendRequest, limits: MessageLimits): Promise<AppendResult>;
  /**
   * The newest (or with `from: 'oldest'`, the oldest) `limit` retained messages with
   * `after < id < before`, oldest first; `hasMore` when more remain in that range beyond the
   * page, and the id of the oldest message retained. The one read of history, catch-up and
   * unread counts: its cost is bounded by `limit`, never by the size of the room.
   */
  list(roomId: string, range: MessageRange): Promise<RetainedPage>;
  /**
   * Protocol v1.1: in one atomic step, applies `request.next` to the message's current state,
   * stores the result (overwriting the state every reader gets: history, catch-up, the
   * dedupe key's answer, the archive feed), records it in the room's change index, updates the
   * `replyTo` snapshot of the retained replies to it, and publishes it on MESSAGES, ordered
   * with the room's messages. A deleted message's text is gone from the log's stores.
   */
  change(request: ChangeRequest): Promise<ChangeResult>;
  /**
   * The catch-up of `room:join` with `after`, in one snapshot: the newest `limit` messages
   * after `after`, the current state of older messages changed since (at most `limit`), and
   * the point of the room's order the read reflects.
   */
  catchUp(roomId: string, after: string, limit: number): Promise<CatchUpRead>;
  /**
   * The live feed: every message appended by any instance (this one
   * included), asynchronously, never inside `append`'s call, in append order,
   * which within a room is the room's order. One handler.
   */
  onMessage(handler: (message: Message) => void): void;
  /**
   * Protocol v1.1: the live feed's changes (one handler), delivered through the same ordered
   * feed as `onMessage`: a change is never delivered before the message it changes, nor
   * before an older change.
   */
  onUpdate(handler: (update: MessageUpdate) => void): void;
  /**
   * Called when the live feed came back after a break: whatever was appended
   * meanwhile was not delivered here, so local clients must catch up (they
   * reconnect and rejoin with `after`).
   */
  onResync(handler: () => void): void;
}

/** A search of the archive: words of `query` in the messages of `roomIds`, newest first. */
export interface SearchRequest {
  /** What the user typed; every word must match (a word's prefix matches too), regardless of case. */
  query: string;
  /** Only messages of these rooms (the caller decides which rooms a user may read). */
  roomIds: string[];
  /** Only messages with an id below this one (the cursor of the next page). */
  before?: string;
  /** At most this many messages, 1 or more; callers bound it. */
  limit: number;
}

/** A page of search results, newest first. */
export interface SearchPage {
  messages: Message[];
  /** True when older matches lie beyond the page (ask again with `before` = the last id). */
  hasMore: boolean;
}

/**
 * The durable archive of every room's messages (PostgreSQL), behind the
 * MessageLog: Redis keeps the recent window, the archive keeps everything,
 * keyed by the same ids, so one cursor pages through both. Written in the
 * background (by the archiver), never on the send path.
 */
export interface Archive {
  /**
   * Stores the messages, idempotently: rows are keyed by (room id, message
   * id), and a message stored before (a re-delivery, or twice in one batch)
   * changes nothing. All or nothing; resolves only once the batch is
   * committed, with how many of the messages were new.
   */
  writeBatch(messages: Message[]): Promise<number>;
  /**
   * Protocol v1.1: stores messages' changed states, each with its version (its change id,
   * `<ms>-<seq>`): inserted when absent, replacing the stored state only when the stored
   * version is older. So a re-delivered or late change never overwrites a newer state, and
   * a message inserted by `writeBatch` after its change (out of order) changes nothing.
   * Resolves once committed, with how many rows it wrote.
   */
  writeChanges(changes: { message: Message; version: string }[]): Promise<number>;
  /**
   * Exactly MessageLog.list's contract over the archive: the newest (or with
   * `from: 'oldest'`, the oldest) `limit` messages with `after < id < before`
   * (ids compared as numbers, `<ms>-<seq>`), oldest first; `hasMore` when more
   * remain in that range beyond the page. Its cost is bounded by `limit` (an
   * index range scan), never by the size of the room.
   */
  list(roomId: string, range: MessageRange): Promise<MessagePage>;
  /**
   * Full-text search: messages of `roomIds` holding every word of `query` (as
   * a word or a word's prefix, regardless of case, in any script the
   * tokenizer splits into words), newest first, through an index. Operators
   * and quotes in `query` are plain separators, never syntax; a query without
   * a word finds nothing. Deleted messages (empty text) never match.
   */
  search(request: SearchRequest): Promise<SearchPage>;
  /** Releases its connections; pending calls fail. */
  close(): Promise<void>;
}

/**
 * The EVENTS channel: what crosses instances besides messages (typing,
 * presence, rooms, read markers, revoked sessions). At most once, in publish
 * order; nothing is stored, so a receiver that was away misses what was sent.
 */
export interface EventBus {
  /** Publishes to every instance, this one included (asynchronously). */
  publish(event: ClusterEvent): Promise<void>;
  /** One handler. */
  onEvent(handler: (event: ClusterEvent) => void): void;
  /**
   * Called when the subscription came back after a break: events sent
   * meanwhile were lost here (a revoked session among them), so local
   * clients must reconnect, which re-checks their tokens and refetches state.
   */
  onResync(handler: () => void): void;
}

export interface RateLimiter {
  /**
   * Takes one token from the named cluster-wide bucket (the policy's
   * `ratePerSec` refill, `burst` capacity). Returns 0 when allowed, else the ms to wait.
   */
  take(bucket: string, policy: RatePolicy): Promise<number>;
}

/**
 * Which users have a live connection on which instance. Instances keep
 * themselves alive with heartbeats; an instance that stops (even killed with
 * SIGKILL) is reaped by the others once its heartbeat runs out, and its
 * users go offline unless they are connected elsewhere.
 */
export interface PresenceStore {
  /** The user's first socket on this instance opened: true when they were offline everywhere. */
  connect(user: User): Promise<boolean>;
  /** The user's last socket on this instance closed: true when they are now offline everywhere. */
  disconnect(user: User): Promise<boolean>;
  /** Renews this instance's heartbeat; returns the users of reaped instances who went offline. */
  heartbeat(): Promise<User[]>;
  /** Lets this instance's heartbeat run out after `ms` (graceful shutdown). */
  expireSoon(ms: number): Promise<void>;
  /** Users with at least one connection on a live instance. */
  online(): Promise<User[]>;
}

/** A room's unread messages for a user, and how many of those mention the user (protocol v1.1). */
export interface UnreadCount {
  unread: number;
  /** Among the counted unread messages, those whose current state mentions the user. */
  mentions: number;
}

export interface ReadStateStore {
  /** Moves the user's read marker in the room forward to `messageId`; false when it was already there or further. */
  markRead(userId: string, roomId: string, messageId: string): Promise<boolean>;
  /**
   * Per room: how many messages after the user's marker were sent by others,
   * counting at most `cap` and looking at no more than the newest 2 × cap
   * messages after the marker (bounded work per room, no message body leaves
   * the store). A room without a marker counts from its start, except public
   * rooms (the user may never have opened them), which count 0. `mentions` counts,
   * among those, the ones that mention the user as they are now (an edit that removed
   * the mention removes it from the count).
   */
  unreadCounts(
    userId: string,
    rooms: Pick<Room, 'id' | 'kind'>[],
    cap: number,
  ): Promise<Map<string, UnreadCount>>;
}

/**
 * Issue 15: which live traffic this instance needs to hear. In REDIS_MODE=cluster an
 * instance hears a room's messages, changes and typing only while it watches the room (a
 * SSUBSCRIBE of the room's shard channel), and a user's events (rooms added or removed,
 * read markers, revoked sessions) only while it watches the user; single Redis and embedded
 * mode hear everything, so there both calls do nothing. The socket layer (socket/live-interest.ts)
 * counts local sockets per room and per user and watches while the count is above zero, with a
 * grace period after the last one leaves.
 */
export interface LiveInterest {
  /**
   * Resolves once every message, change and typing event of the room published from now on
   * reaches this instance's handlers (the subscription is confirmed): a catch-up read made
   * after it misses nothing in between. Idempotent.
   */
  watchRoom(roomId: string): Promise<void>;
  /** Stops hearing the room (the caller's grace period is over). */
  unwatchRoom(roomId: string): Promise<void>;
  /** As watchRoom, for the user's events. */
  watchUser(userId: string): Promise<void>;
  unwatchUser(userId: string): Promise<void>;
  /** What the instance watches now (metrics, tests). */
  watching(): { rooms: number; users: number };
}

/** Health of the backing services, for /readyz. */
export interface Health {
  /** Resolves when the stores and the subscriptions all answer; rejects otherwise. */
  check(): Promise<void>;
  /**
   * With an archive: resolves when it answers (schema migrated, database reachable); rejects
   * otherwise. Kept apart from `check`: a down archive must not take every instance out of
   * the balancer, as sends and recent history do not need it.
   */
  checkArchive?(): Promise<void>;
}

/** Everything the core needs from the outside world, in one bundle. */
export interface Backend {
  kind: 'redis' | 'embedded';
  users: UserStore;
  sessions: SessionStore;
  rooms: RoomStore;
  messageLog: MessageLog;
  /**
   * Every message ever stored, behind the MessageLog's retained window: PostgreSQL
   * (DATABASE_URL) in Redis mode, PGlite under DATA_DIR in embedded mode. Absent in Redis
   * mode without DATABASE_URL (history is what Redis retains; no search).
   */
  archive?: Archive;
  eventBus: EventBus;
  rateLimiter: RateLimiter;
  presence: PresenceStore;
  readState: ReadStateStore;
  /** Issue 15: subscriptions by interest (cluster mode); no-ops elsewhere. */
  interest: LiveInterest;
  health: Health;
  /** Resolves once every connection is usable. */
  start(): Promise<void>;
  /** Closes every connection; pending commands fail. */
  close(): Promise<void>;
}
