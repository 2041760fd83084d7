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
    roomMembers: (roomId: string) => `${prefix}room:${roomId}:members`,
    publicRoomName: (name: string) => `${prefix}roomname:${name.toLowerCase()}`,
    publicRooms: () => `${prefix}rooms:public`,
    userRooms: (userId: string) => `${prefix}user:${userId}:rooms`,
    /** Hash per user: DM room id → the DM's newest message id when hidden (RoomStore.hideDm). */
    hiddenDms: (userId: string) => `${prefix}user:${userId}:hidden-dms`,
    dm: (userA: string, userB: string) => `${prefix}dm:${[userA, userB].sort().join(':')}`,
    /** A user's clientId in one room: resending it there returns the original message. */
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
  };
}

export type RedisKeys = ReturnType<typeof redisKeys>;
