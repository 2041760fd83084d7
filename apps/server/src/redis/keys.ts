import { allPartitionTags, partitionTag, roomPartition } from './room-partition';

/**
 * Every Redis key and channel the app uses, in one place (docs/OPERATIONS.md
 * lists them for RedisInsight). Keys and channels share a configurable
 * prefix, so deployments that share one Redis neither see nor hear each other.
 *
 * Issue 15: with REDIS_MODE=cluster the same names carry hash tags: a room's keys its
 * partition's tag (`room:{p17}:<id>:messages`, room-partition.ts), a user's keys the user's
 * id (`user:{<id>}:rooms`), so what one script touches lies in one slot. Single mode keeps
 * its plain names (existing deployments keep their data).
 */
export type RedisMode = 'single' | 'cluster';

/** REDIS_KEY_PREFIX's default. With it the channels keep their plain names `MESSAGES` and `EVENTS`. */
export const DEFAULT_KEY_PREFIX = 'chat:';

/** The Pub/Sub channels of the deployment whose keys start with `prefix`. */
export function redisChannels(prefix: string, mode: RedisMode = 'single') {
  const channel = (name: string) => (prefix === DEFAULT_KEY_PREFIX ? name : `${prefix}${name}`);
  const messages = channel('MESSAGES');
  const events = channel('EVENTS');
  return {
    /** Every stored chat message (lua/append.lua publishes it); single mode. */
    messages,
    /**
     * Every other cluster event (cluster-events.ts); in cluster mode only those for everyone
     * (presence, public rooms), with classic PUBLISH.
     */
    events,
    /**
     * Cluster mode: a room's part of MESSAGES, a shard channel in the room's slot
     * (`MESSAGES:{p17}:<room id>`): its messages, changes and typing, with SPUBLISH.
     */
    room: (roomId: string) =>
      mode === 'cluster'
        ? `${messages}:${partitionTag(roomPartition(roomId))}:${roomId}`
        : messages,
    /**
     * Cluster mode: a user's part of EVENTS, a shard channel in the user's slot
     * (`EVENTS:{<user id>}`): rooms added and removed, read markers, revoked sessions.
     */
    user: (userId: string) => (mode === 'cluster' ? `${events}:{${userId}}` : events),
  };
}

export function redisKeys(prefix: string, mode: RedisMode = 'single') {
  const cluster = mode === 'cluster';
  /** A room's part of a key name: its id, led by its partition's hash tag in cluster mode. */
  const room = (roomId: string) =>
    cluster ? `${partitionTag(roomPartition(roomId))}:${roomId}` : roomId;
  /** A user's part of a key name: its id, as a hash tag in cluster mode. */
  const user = (userId: string) => (cluster ? `{${userId}}` : userId);
  const feed = `${prefix}archive:feed`;
  const backfilled = `${prefix}archive:backfilled`;
  return {
    mode,
    channels: redisChannels(prefix, mode),
    user: (userId: string) => `${prefix}user:${user(userId)}`,
    username: (username: string) => `${prefix}username:${username.toLowerCase()}`,
    /** String `<user id> <absolute expiry, ms>`, expiring at its idle (sliding) expiry. */
    session: (tokenHash: string) => `${prefix}session:${tokenHash}`,
    /** Sorted set per user: token hash → absolute expiry (ms), for "log out everywhere". */
    userSessions: (userId: string) => `${prefix}user:${user(userId)}:sessions`,
    room: (roomId: string) => `${prefix}room:${room(roomId)}`,
    roomMessages: (roomId: string) => `${prefix}room:${room(roomId)}:messages`,
    /**
     * Protocol v1.1, message changes (docs/ARCHITECTURE.md "Message changes"): a room's
     * message keys, all named after the room (in cluster mode all in its partition's slot),
     * in the order every script takes them (lua/lib/room-log.lua):
     * the stream (the order: id, author, mention ids at send), the current state of each
     * retained message (hash id → Message JSON), the change index (stream of change ids →
     * message id, one entry per changed message, its latest), the latest change id per
     * message (hash; field "" holds the room's newest change id), replies to follow (hash
     * original id → reply ids), and mention ids re-computed by edits (hash id → ids).
     */
    roomLog: (roomId: string): string[] => [
      `${prefix}room:${room(roomId)}:messages`,
      `${prefix}room:${room(roomId)}:state`,
      `${prefix}room:${room(roomId)}:changes`,
      `${prefix}room:${room(roomId)}:changed`,
      `${prefix}room:${room(roomId)}:replies`,
      `${prefix}room:${room(roomId)}:mentions`,
    ],
    roomMembers: (roomId: string) => `${prefix}room:${room(roomId)}:members`,
    publicRoomName: (name: string) => `${prefix}roomname:${name.toLowerCase()}`,
    publicRooms: () => `${prefix}rooms:public`,
    userRooms: (userId: string) => `${prefix}user:${user(userId)}:rooms`,
    /** Hash per user: DM room id → the DM's newest message id when hidden (RoomStore.hideDm). */
    hiddenDms: (userId: string) => `${prefix}user:${user(userId)}:hidden-dms`,
    dm: (userA: string, userB: string) => `${prefix}dm:${[userA, userB].sort().join(':')}`,
    /**
     * A user's clientId in one room: resending it there returns the original message (the
     * key holds its id; the answer is the message's current state, from `roomLog`'s state).
     * In the room's slot (cluster mode), as the append reads it.
     */
    clientId: (userId: string, roomId: string, clientId: string) =>
      cluster
        ? `${prefix}clientid:${partitionTag(roomPartition(roomId))}:${userId}:${roomId}:${clientId}`
        : `${prefix}clientid:${userId}:${roomId}:${clientId}`,
    messageRate: (userId: string) => `${prefix}ratelimit:message:${user(userId)}`,
    rateLimit: (bucket: string) => `${prefix}ratelimit:${bucket}`,
    /**
     * REDIS_WAIT_REPLICAS (replica-wait.ts): a marker a deduplicated resend writes before its
     * WAIT, in the room's slot (one per partition in cluster mode); it holds an instance id and
     * expires by itself.
     */
    replicationMark: (roomId: string) =>
      cluster
        ? `${prefix}replicated:${partitionTag(roomPartition(roomId))}`
        : `${prefix}replicated`,
    /**
     * Sorted set: instance id → heartbeat expiry (ms). One key in both modes: only heartbeats
     * (one per instance per PRESENCE_HEARTBEAT_MS) and online-list reads touch it.
     */
    presenceInstances: () => `${prefix}presence:instances`,
    /** Hash per instance: user id → username, for users with a socket there. */
    presenceInstancePrefix: () => `${prefix}presence:instance:`,
    /** Single mode `presence:instance:<id>`; cluster mode in the instance's own slot, `{<id>}`. */
    presenceInstance: (instanceId: string) =>
      cluster
        ? `${prefix}presence:instance:{${instanceId}}`
        : `${prefix}presence:instance:${instanceId}`,
    /**
     * Cluster mode: string naming the instance that is reaping this dead instance (SET NX PX),
     * so one reaper at a time walks its users; beside its hash, in its slot.
     */
    presenceReaper: (instanceId: string) => `${prefix}presence:instance:{${instanceId}}:reaper`,
    /** Cluster mode: hash per user, in the user's slot: instance id → 1 while they have sockets there. */
    presenceUser: (userId: string) => `${prefix}presence:user:${user(userId)}`,
    /** Hash per user: room id → id of the last message read. */
    readMarkers: (userId: string) => `${prefix}read:${user(userId)}`,
    /**
     * Stream: every stored message (later: every change), in store order, for the archivers'
     * consumer group (redis/archive-feed.ts). Its existence switches lua/append.lua from
     * trimming rooms itself to leaving that to the archivers. Single mode: the one feed.
     */
    archiveFeed: () => feed,
    /** The feed shard a room's messages go to: the one feed, or in cluster mode its partition's. */
    archiveFeedOf: (roomId: string) =>
      cluster ? `${feed}:${partitionTag(roomPartition(roomId))}` : feed,
    /** Every feed shard: the one feed, or one per partition in cluster mode. */
    archiveFeeds: (): string[] =>
      cluster ? allPartitionTags().map((tag) => `${feed}:${tag}`) : [feed],
    /** Stream: feed entries no archiver could use, each with its feed id and the reason. */
    archiveDead: () => `${prefix}archive:dead`,
    /** String, set once the archivers copied every room stream that predates the feed. */
    archiveBackfilled: () => backfilled,
    /** The backfill marker a room's trim reads: in cluster mode its partition's copy. */
    archiveBackfilledOf: (roomId: string) =>
      cluster ? `${backfilled}:${partitionTag(roomPartition(roomId))}` : backfilled,
    /**
     * Every feed shard with its backfill marker (same hash tag, so one script reads both):
     * the one feed and `archive:backfilled` in single mode, one pair per partition in
     * cluster mode. What registration (archive-register.lua) and the backfill walk over.
     */
    archiveShards: (): { feed: string; backfilled: string }[] =>
      cluster
        ? allPartitionTags().map((tag) => ({
            feed: `${feed}:${tag}`,
            backfilled: `${backfilled}:${tag}`,
          }))
        : [{ feed, backfilled }],
  };
}

export type RedisKeys = ReturnType<typeof redisKeys>;
