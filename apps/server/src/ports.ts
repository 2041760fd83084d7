import type { Message, Room, User } from '@chat/shared';
import type { ClusterEvent } from './cluster-events';

/*
 * The interfaces the core (http/, socket/, chat/) needs. Two implementations
 * stand behind each: redis/ (any number of instances) and embedded/ (one
 * process, in memory). One contract suite (test/ports.contract.test.ts) runs
 * against both.
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
}

export interface SessionStore {
  /** Remembers a login token (only its hash is stored) for `ttlSec`. */
  create(tokenHash: string, userId: string, ttlSec: number): Promise<void>;
  /** The user id a live token belongs to, or null when unknown, expired or revoked. */
  resolve(tokenHash: string): Promise<string | null>;
  /** Revokes the token everywhere; false when it was not live. */
  revoke(tokenHash: string): Promise<boolean>;
}

export interface RoomStore {
  /**
   * Stores a room with its first members. Public room names are unique
   * regardless of case (`name_taken`); private room names are not, so that
   * a 409 never reveals that somebody else's private room exists.
   */
  create(room: Room, memberIds: string[]): Promise<'created' | 'name_taken'>;
  get(roomId: string): Promise<Room | null>;
  /** Every public room, oldest first. */
  listPublic(): Promise<Room[]>;
  /** The private rooms and DMs the user belongs to, oldest first. */
  listPrivateFor(userId: string): Promise<Room[]>;
  isMember(roomId: string, userId: string): Promise<boolean>;
  /** Adds a member; false when they already were one. */
  addMember(roomId: string, userId: string): Promise<boolean>;
  /**
   * The one DM room of two users. Race-safe across instances: when both ask
   * at once, both get the same room and only one is stored.
   */
  getOrCreateDm(room: Room, userIds: [string, string]): Promise<{ room: Room; created: boolean }>;
}

export interface AppendRequest {
  roomId: string;
  userId: string;
  username: string;
  text: string;
  clientId: string;
}

export type AppendResult =
  | { status: 'stored'; message: Message }
  /** The same user sent this clientId before: the original message, nothing stored or published. */
  | { status: 'duplicate'; message: Message }
  /** Over the user's cluster-wide message rate: nothing stored or published. */
  | { status: 'rate_limited'; retryAfterMs: number };

export interface MessageLimits {
  /** Messages per user per second; 0 = unlimited. */
  ratePerSec: number;
  /** Bucket size: how many may be sent at once after a quiet spell. */
  burst: number;
}

export interface MessageStore {
  /**
   * In one atomic step: returns the original for a (user, clientId) seen
   * before; applies the user's rate limit; appends to the room's history
   * (assigning the id that fixes the room's order); publishes the stored
   * message on the MESSAGES channel. Nothing is published that was not stored.
   */
  append(request: AppendRequest, limits: MessageLimits): Promise<AppendResult>;
  /** Every retained message after `afterId`, oldest first. */
  listAfter(roomId: string, afterId: string): Promise<Message[]>;
  /** The newest `limit` messages before `beforeId` (or overall), oldest first. */
  listBefore(
    roomId: string,
    beforeId: string | undefined,
    limit: number,
  ): Promise<{ messages: Message[]; hasMore: boolean }>;
}

/** Metadata the broker knows about a relayed message. */
export interface RelayInfo {
  /** Instance id of the publisher. */
  origin: string;
}

export interface Broker {
  /**
   * Delivers every message published on MESSAGES (by any instance) to the
   * handler, in publish order, which within a room is the room's order.
   */
  onMessage(handler: (message: Message, info: RelayInfo) => void): void;
  /** Publishes a cluster event (typing, presence, rooms, revocations) on the events channel. */
  publishEvent(event: ClusterEvent): Promise<void>;
  onEvent(handler: (event: ClusterEvent) => void): void;
  /**
   * Called when the subscription came back after a break: whatever was
   * published meanwhile was not relayed here, so local clients must catch up
   * (they reconnect and rejoin with `after`).
   */
  onResync(handler: () => void): void;
}

export interface RateLimiter {
  /**
   * Takes one token from the named cluster-wide bucket (`ratePerSec` refill,
   * `burst` capacity). Returns 0 when allowed, else the ms to wait.
   */
  take(bucket: string, ratePerSec: number, burst: number): Promise<number>;
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

export interface ReadStateStore {
  /** Moves the user's read marker in the room forward to `messageId`; false when it was already there or further. */
  markRead(userId: string, roomId: string, messageId: string): Promise<boolean>;
  /**
   * Per room: how many messages after the user's marker were sent by others,
   * counting at most `cap`. A room without a marker counts from its start,
   * except public rooms (the user may never have opened them), which count 0.
   */
  unreadCounts(
    userId: string,
    rooms: { id: string; kind: string }[],
    cap: number,
  ): Promise<Map<string, number>>;
}

/** Health of the backing services, for /readyz. */
export interface Health {
  /** Resolves when the store and the broker both answer; rejects otherwise. */
  check(): Promise<void>;
}

/** Everything the core needs from the outside world, in one bundle. */
export interface Backend {
  kind: 'redis' | 'embedded';
  users: UserStore;
  sessions: SessionStore;
  rooms: RoomStore;
  messages: MessageStore;
  broker: Broker;
  rateLimiter: RateLimiter;
  presence: PresenceStore;
  readState: ReadStateStore;
  health: Health;
  /** Resolves once every connection is usable. */
  start(): Promise<void>;
  /** Closes every connection; pending commands fail. */
  close(): Promise<void>;
}
