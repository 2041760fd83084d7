/**
 * Every Redis key and channel the app uses, in one place (docs/OPERATIONS.md
 * lists them for RedisInsight). Keys and channels share a configurable
 * prefix, so deployments that share one Redis neither see nor hear each other.
 */

/** REDIS_KEY_PREFIX's default. With it the channels keep their plain names `MESSAGES` and `EVENTS`. */
export const DEFAULT_KEY_PREFIX = 'chat:';

/** The Pub/Sub channels of the deployment whose keys start with `prefix`. */
export function redisChannels(prefix: string) {
  const channel = (name: string) => (prefix === DEFAULT_KEY_PREFIX ? name : `${prefix}${name}`);
  return {
    /** Every stored chat message (lua/append.lua publishes it). */
    messages: channel('MESSAGES'),
    /** Every other cluster event (cluster-events.ts). */
    events: channel('EVENTS'),
  };
}

export function redisKeys(prefix: string) {
  return {
    channels: redisChannels(prefix),
    user: (userId: string) => `${prefix}user:${userId}`,
    username: (username: string) => `${prefix}username:${username.toLowerCase()}`,
    /** String `<user id> <absolute expiry, ms>`, expiring at its idle (sliding) expiry. */
    session: (tokenHash: string) => `${prefix}session:${tokenHash}`,
    /** Sorted set per user: token hash → absolute expiry (ms), for "log out everywhere". */
    userSessions: (userId: string) => `${prefix}user:${userId}:sessions`,
    room: (roomId: string) => `${prefix}room:${roomId}`,
    roomMessages: (roomId: string) => `${prefix}room:${roomId}:messages`,
    /**
     * Protocol v1.1, message changes (docs/ARCHITECTURE.md "Message changes"): a room's
     * message keys, all named after the room (so a Redis Cluster hash tag on the room id puts
     * them in one slot), in the order every script takes them (lua/lib/room-log.lua):
     * the stream (the order: id, author, mention ids at send), the current state of each
     * retained message (hash id → Message JSON), the change index (stream of change ids →
     * message id, one entry per changed message, its latest), the latest change id per
     * message (hash; field "" holds the room's newest change id), replies to follow (hash
     * original id → reply ids), and mention ids re-computed by edits (hash id → ids).
     */
    roomLog: (roomId: string): string[] => [
      `${prefix}room:${roomId}:messages`,
      `${prefix}room:${roomId}:state`,
      `${prefix}room:${roomId}:changes`,
      `${prefix}room:${roomId}:changed`,
      `${prefix}room:${roomId}:replies`,
      `${prefix}room:${roomId}:mentions`,
    ],
    roomMembers: (roomId: string) => `${prefix}room:${roomId}:members`,
    publicRoomName: (name: string) => `${prefix}roomname:${name.toLowerCase()}`,
    publicRooms: () => `${prefix}rooms:public`,
    userRooms: (userId: string) => `${prefix}user:${userId}:rooms`,
    /** Hash per user: DM room id → the DM's newest message id when hidden (RoomStore.hideDm). */
    hiddenDms: (userId: string) => `${prefix}user:${userId}:hidden-dms`,
    dm: (userA: string, userB: string) => `${prefix}dm:${[userA, userB].sort().join(':')}`,
    /**
     * A user's clientId in one room: resending it there returns the original message (the
     * key holds its id; the answer is the message's current state, from `roomLog`'s state).
     */
    clientId: (userId: string, roomId: string, clientId: string) =>
      `${prefix}clientid:${userId}:${roomId}:${clientId}`,
    messageRate: (userId: string) => `${prefix}ratelimit:message:${userId}`,
    rateLimit: (bucket: string) => `${prefix}ratelimit:${bucket}`,
    /** Sorted set: instance id → heartbeat expiry (ms). */
    presenceInstances: () => `${prefix}presence:instances`,
    /** Hash per instance: user id → username, for users with a socket there. */
    presenceInstancePrefix: () => `${prefix}presence:instance:`,
    presenceInstance: (instanceId: string) => `${prefix}presence:instance:${instanceId}`,
    /** Hash per user: room id → id of the last message read. */
    readMarkers: (userId: string) => `${prefix}read:${userId}`,
    /**
     * Stream: every stored message (later: every change), in store order, for the archivers'
     * consumer group (redis/archive-feed.ts). Its existence switches lua/append.lua from
     * trimming rooms itself to leaving that to the archivers.
     */
    archiveFeed: () => `${prefix}archive:feed`,
    /** Stream: feed entries no archiver could use, each with its feed id and the reason. */
    archiveDead: () => `${prefix}archive:dead`,
    /** String, set once the archivers copied every room stream that predates the feed. */
    archiveBackfilled: () => `${prefix}archive:backfilled`,
  };
}

export type RedisKeys = ReturnType<typeof redisKeys>;
