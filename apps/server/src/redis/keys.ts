/**
 * Every Redis key and channel the app uses, in one place (docs/OPERATIONS.md
 * lists them for RedisInsight). Keys share a configurable prefix; the channel
 * names are fixed so that every instance and the monitor agree on them.
 */
export const MESSAGES_CHANNEL = 'MESSAGES';
export const EVENTS_CHANNEL = 'EVENTS';

export function redisKeys(prefix: string) {
  return {
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
    dm: (userA: string, userB: string) => `${prefix}dm:${[userA, userB].sort().join(':')}`,
    clientId: (userId: string, clientId: string) => `${prefix}clientid:${userId}:${clientId}`,
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
