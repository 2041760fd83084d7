import type { RedisClient } from './connection';
import type { Room } from '@chat/shared';
import { byCodeUnits } from '../chat/id-order';
import type { RoomPage, RoomStore } from '../ports';
import type { RedisKeys } from './keys';
import type { ChatScripts } from './scripts';
import { redisCall } from './unavailable';

/**
 * Rooms as hashes `room:{id}` with a member set `room:{id}:members`; public
 * rooms in the sorted set `rooms:public` (by creation time), each user's
 * private rooms and DMs in `user:{id}:rooms`, the DMs they hid in the hash
 * `user:{id}:hidden-dms`.
 */
export class RedisRoomStore implements RoomStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly scripts: ChatScripts,
    private readonly keys: RedisKeys,
  ) {}

  async create(room: Room, memberIds: string[]): Promise<'created' | 'name_taken'> {
    if (this.keys.mode === 'cluster') return this.createAcrossSlots(room, memberIds);
    const memberRoomSets =
      room.kind === 'public' ? [] : memberIds.map((id) => this.keys.userRooms(id));
    const created = await redisCall(() =>
      this.scripts.createRoom(
        [
          this.keys.room(room.id),
          this.keys.roomMembers(room.id),
          this.keys.publicRoomName(room.name),
          this.keys.publicRooms(),
          ...memberRoomSets,
        ],
        [
          room.id,
          room.name,
          room.kind,
          room.createdBy,
          room.createdAt,
          Date.parse(room.createdAt),
          ...memberIds,
        ],
      ),
    );
    return created === 1 ? 'created' : 'name_taken';
  }

  /**
   * Cluster mode: the room with its members (one script in the room's slot) first, then what
   * lives elsewhere. A public room then reserves its name with SET NX, the commit point: a
   * name always leads to a written room; losing the race deletes the room just written (an id
   * nobody was given). Then the public list. A crash before the name leaves a room nothing
   * leads to; a crash between the name and the list leaves a named room missing from the list,
   * which the next create of that name repairs (it lists the holder, then answers name_taken).
   * A private room then joins each member's list: a crash before leaves a room nobody was told
   * about (the create failed), never a listed room without its members.
   */
  private async createAcrossSlots(
    room: Room,
    memberIds: string[],
  ): Promise<'created' | 'name_taken'> {
    await this.putRoom(room, memberIds);
    const createdAtMs = Date.parse(room.createdAt);
    if (room.kind !== 'public') {
      await this.addToLists(memberIds, room.id, createdAtMs);
      return 'created';
    }
    const holder = await redisCall(() =>
      this.redis.set(this.keys.publicRoomName(room.name), room.id, 'NX', 'GET'),
    );
    if (holder === null || holder === room.id) {
      await redisCall(() => this.redis.zadd(this.keys.publicRooms(), createdAtMs, room.id));
      return 'created';
    }
    await redisCall(() => this.redis.del(this.keys.room(room.id), this.keys.roomMembers(room.id)));
    const holderCreatedAt = await redisCall(() =>
      this.redis.hget(this.keys.room(holder), 'createdAt'),
    );
    if (holderCreatedAt)
      await redisCall(() =>
        this.redis.zadd(this.keys.publicRooms(), 'NX', Date.parse(holderCreatedAt), holder),
      );
    return 'name_taken';
  }

  /** Cluster mode: lua/put-room.lua, the room and its members unless it exists; the room as stored. */
  private async putRoom(room: Room, memberIds: string[]): Promise<Room | null> {
    const [, hash] = await redisCall(() =>
      this.scripts.putRoom(
        [this.keys.room(room.id), this.keys.roomMembers(room.id)],
        [room.id, room.name, room.kind, room.createdBy, room.createdAt, ...memberIds],
      ),
    );
    return toRoom(fromFlat(hash));
  }

  /** Cluster mode: the room in each user's list (ZADD NX: a repeat keeps the first score), concurrently. */
  private async addToLists(userIds: string[], roomId: string, createdAtMs: number): Promise<void> {
    await redisCall(() =>
      Promise.all(
        userIds.map((id) => this.redis.zadd(this.keys.userRooms(id), 'NX', createdAtMs, roomId)),
      ),
    );
  }

  async get(roomId: string): Promise<Room | null> {
    const hash = await redisCall(() => this.redis.hgetall(this.keys.room(roomId)));
    return toRoom(hash);
  }

  async listPublic(page?: RoomPage): Promise<Room[]> {
    return this.loadMany(await this.pageOf(this.keys.publicRooms(), page));
  }

  async listPrivateFor(userId: string, page?: RoomPage): Promise<Room[]> {
    return this.loadMany(await this.pageOf(this.keys.userRooms(userId), page));
  }

  /** The ids of one page of a room set (sorted by creation time), or all of them without a page. */
  private async pageOf(key: string, page: RoomPage | undefined): Promise<string[]> {
    if (!page) return redisCall(() => this.redis.zrange(key, '0', '-1'));
    let start = 0;
    if (page.after) {
      const { id, createdAtMs } = page.after;
      const rank = await redisCall(() => this.redis.zrank(key, id));
      start =
        rank !== null
          ? rank + 1
          : await redisCall(() => this.redis.zcount(key, '-inf', String(createdAtMs)));
    }
    return redisCall(() => this.redis.zrange(key, String(start), String(start + page.limit - 1)));
  }

  async isMember(roomId: string, userId: string): Promise<boolean> {
    const member = await redisCall(() =>
      this.redis.sismember(this.keys.roomMembers(roomId), userId),
    );
    return member === 1;
  }

  async addMember(roomId: string, userId: string): Promise<boolean> {
    if (this.keys.mode === 'cluster') return this.addMemberAcrossSlots(roomId, userId);
    const room = await this.get(roomId);
    const results = await redisCall(() =>
      this.redis
        .multi()
        .sadd(this.keys.roomMembers(roomId), userId)
        .zadd(this.keys.userRooms(userId), room ? Date.parse(room.createdAt) : Date.now(), roomId)
        .exec(),
    );
    return results?.[0]?.[1] === 1;
  }

  /**
   * Cluster mode: the member set (the room's slot) first, it is what grants access; then the
   * user's list (the user's slot), which only shows the room. A crash between leaves a member
   * who does not see the room listed; adding them again repairs it, and answers true (they
   * were not fully a member), so the caller announces the room then.
   */
  private async addMemberAcrossSlots(roomId: string, userId: string): Promise<boolean> {
    const [room, added] = await Promise.all([
      this.get(roomId),
      redisCall(() => this.redis.sadd(this.keys.roomMembers(roomId), userId)),
    ]);
    const listed = await redisCall(() =>
      this.redis.zadd(
        this.keys.userRooms(userId),
        room ? Date.parse(room.createdAt) : Date.now(),
        roomId,
      ),
    );
    return added === 1 || listed === 1;
  }

  async getOrCreateDm(
    room: Room,
    [userA, userB]: [string, string],
  ): Promise<{ room: Room; created: boolean }> {
    if (this.keys.mode === 'cluster') return this.dmAcrossSlots(room, [userA, userB]);
    const [created, roomId] = await redisCall(() =>
      this.scripts.getOrCreateDm(
        [
          this.keys.dm(userA, userB),
          this.keys.room(room.id),
          this.keys.roomMembers(room.id),
          this.keys.userRooms(userA),
          this.keys.userRooms(userB),
        ],
        [
          room.id,
          room.name,
          room.createdBy,
          room.createdAt,
          Date.parse(room.createdAt),
          userA,
          userB,
        ],
      ),
    );
    if (created === 1) return { room, created: true };
    const existing = await this.get(roomId);
    if (!existing) throw new Error(`dm ${roomId} is referenced but missing`);
    return { room: existing, created: false };
  }

  /**
   * Cluster mode: the pair key (its own slot) is claimed first with SET NX GET, so racing
   * callers agree on one room id; then both users' lists (ZADD NX), then the room with its
   * members (lua/put-room.lua), which marks the DM complete. A caller that finds the pair
   * reads the room; when it is missing (its creator crashed, or is still writing), the caller
   * writes the lists and the room itself, with the same id: every step is idempotent, and
   * put-room.lua keeps whichever fields came first, so every caller returns the same room.
   * DMs are never left (they are hidden), so re-adding them to a list is always right.
   */
  private async dmAcrossSlots(
    room: Room,
    [userA, userB]: [string, string],
  ): Promise<{ room: Room; created: boolean }> {
    const holder = await redisCall(() =>
      this.redis.set(this.keys.dm(userA, userB), room.id, 'NX', 'GET'),
    );
    const created = holder === null;
    const roomId = holder ?? room.id;
    if (!created) {
      const existing = await this.get(roomId);
      if (existing) return { room: existing, created: false };
    }
    const candidate = { ...room, id: roomId };
    await this.addToLists([userA, userB], roomId, Date.parse(room.createdAt));
    const stored = await this.putRoom(candidate, [userA, userB]);
    if (!stored) throw new Error(`dm ${roomId} is referenced but not a room`);
    return { room: stored, created };
  }

  async removeMember(roomId: string, userId: string): Promise<boolean> {
    if (this.keys.mode === 'cluster') {
      // Cluster mode: access goes first (the member set, the room's slot), then the list (the
      // user's slot); a crash between leaves the room listed but closed, and leaving again
      // removes it from the list (and answers true: they were not fully out).
      const removed = await redisCall(() => this.redis.srem(this.keys.roomMembers(roomId), userId));
      const unlisted = await redisCall(() => this.redis.zrem(this.keys.userRooms(userId), roomId));
      return removed === 1 || unlisted === 1;
    }
    const results = await redisCall(() =>
      this.redis
        .multi()
        .srem(this.keys.roomMembers(roomId), userId)
        .zrem(this.keys.userRooms(userId), roomId)
        .exec(),
    );
    return results?.[0]?.[1] === 1;
  }

  /**
   * SSCAN in steps of `limit` until it has `limit` ids or has seen the whole set, then sorted
   * here: Redis works O(limit) a call whatever the room's size (0.15 ms of Redis time for a
   * list of 1,000 out of 10,000 members; SORT ALPHA LIMIT, which sorts the whole set, took
   * 3.5 to 8.9 ms), and a room of at most `limit` members gets all of them. Beyond that, which
   * `limit` of them is SSCAN's choice.
   */
  async memberIds(roomId: string, limit: number): Promise<string[]> {
    const key = this.keys.roomMembers(roomId);
    const ids = new Set<string>(); // SSCAN may return an id twice
    let cursor = '0';
    do {
      const [next, batch] = await redisCall(() => this.redis.sscan(key, cursor, 'COUNT', limit));
      for (const id of batch) ids.add(id);
      cursor = next;
    } while (cursor !== '0' && ids.size < limit);
    return [...ids].sort(byCodeUnits).slice(0, limit);
  }

  async hideDm(userId: string, roomId: string, upTo: string): Promise<void> {
    await redisCall(() => this.redis.hset(this.keys.hiddenDms(userId), roomId, upTo));
  }

  async unhideDm(userId: string, roomId: string): Promise<boolean> {
    const removed = await redisCall(() => this.redis.hdel(this.keys.hiddenDms(userId), roomId));
    return removed === 1;
  }

  async hiddenDms(userId: string): Promise<Map<string, string>> {
    const marks = await redisCall(() => this.redis.hgetall(this.keys.hiddenDms(userId)));
    return new Map(Object.entries(marks));
  }

  private async loadMany(ids: string[]): Promise<Room[]> {
    if (ids.length === 0) return [];
    if (this.keys.mode === 'cluster') {
      // Cluster mode: rooms lie in many slots (no cross-slot pipeline): concurrent HGETALLs,
      // which the commands connection batches per node (connection.ts, auto-pipelining).
      const hashes = await redisCall(() =>
        Promise.all(ids.map((id) => this.redis.hgetall(this.keys.room(id)))),
      );
      return hashes.map(toRoom).filter((room): room is Room => room !== null);
    }
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.hgetall(this.keys.room(id));
    const results = await redisCall(() => pipeline.exec());
    const rooms: Room[] = [];
    for (const [error, hash] of results ?? []) {
      const room = error ? null : toRoom(hash as Record<string, string>);
      if (room) rooms.push(room);
    }
    return rooms;
  }
}

function toRoom(hash: Record<string, string>): Room | null {
  const { id, name, kind, createdBy, createdAt } = hash;
  if (!id || name === undefined || !createdBy || !createdAt) return null;
  if (kind !== 'public' && kind !== 'private' && kind !== 'dm') return null;
  return { id, name, kind, createdBy, createdAt };
}

/** A hash as HGETALL inside a script answers it: a flat field, value list. */
function fromFlat(flat: string[]): Record<string, string> {
  const hash: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) hash[flat[i]!] = flat[i + 1]!;
  return hash;
}
