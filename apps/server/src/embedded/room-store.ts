import type { Room } from '@chat/shared';
import { byCodeUnits } from '../chat/id-order';
import type { RoomPage, RoomStore } from '../ports';
import { NOTHING_KEPT, type DurableState, type EmbeddedState } from './durable-state';

/**
 * Rooms, members and DM pairs in memory, written through to `durable`: each change
 * resolves once it is kept there; one that could not be kept is undone and rejects.
 * Changes take effect in memory at once, so concurrent calls see them (a name is taken,
 * a DM exists) as the Redis twin's atomic scripts would.
 */
export class EmbeddedRoomStore implements RoomStore {
  private readonly rooms = new Map<string, Room>();
  private readonly members = new Map<string, Set<string>>();
  private readonly publicNames = new Set<string>();
  private readonly dms = new Map<string, string>();
  /** User id → (DM room id → `upTo`): RoomStore.hideDm's marks. */
  private readonly hidden = new Map<string, Map<string, string>>();

  constructor(private readonly durable: DurableState = NOTHING_KEPT) {}

  /** Start-up: the rooms (in creation order), members, DM pairs and hidden DMs kept before. */
  restore({
    rooms,
    dms,
    hiddenDms = [],
  }: Pick<EmbeddedState, 'rooms' | 'dms'> & Partial<Pick<EmbeddedState, 'hiddenDms'>>): void {
    for (const { room, memberIds } of rooms) {
      if (room.kind === 'public') this.publicNames.add(room.name.toLowerCase());
      this.rooms.set(room.id, room);
      this.members.set(room.id, new Set(memberIds));
    }
    for (const { pair, roomId } of dms) this.dms.set(pair, roomId);
    for (const { userId, roomId, upTo } of hiddenDms) this.marksOf(userId).set(roomId, upTo);
  }

  /** Every room's id: the rooms whose history the message log loads at start. */
  roomIds(): string[] {
    return [...this.rooms.keys()];
  }

  async create(room: Room, memberIds: string[]): Promise<'created' | 'name_taken'> {
    const name = room.kind === 'public' ? room.name.toLowerCase() : undefined;
    if (name !== undefined) {
      if (this.publicNames.has(name)) return 'name_taken';
      this.publicNames.add(name);
    }
    this.rooms.set(room.id, { ...room });
    this.members.set(room.id, new Set(memberIds));
    try {
      await this.durable.addRoom(room, memberIds);
    } catch (error) {
      if (name !== undefined) this.publicNames.delete(name);
      this.rooms.delete(room.id);
      this.members.delete(room.id);
      throw error;
    }
    return 'created';
  }

  get(roomId: string): Promise<Room | null> {
    return Promise.resolve(this.rooms.get(roomId) ?? null);
  }

  listPublic(page?: RoomPage): Promise<Room[]> {
    return Promise.resolve(
      pageOf(
        [...this.rooms.values()].filter((room) => room.kind === 'public'),
        page,
      ),
    );
  }

  listPrivateFor(userId: string, page?: RoomPage): Promise<Room[]> {
    return Promise.resolve(
      pageOf(
        [...this.rooms.values()].filter(
          (room) => room.kind !== 'public' && (this.members.get(room.id)?.has(userId) ?? false),
        ),
        page,
      ),
    );
  }

  isMember(roomId: string, userId: string): Promise<boolean> {
    return Promise.resolve(this.members.get(roomId)?.has(userId) ?? false);
  }

  async addMember(roomId: string, userId: string): Promise<boolean> {
    const members = this.members.get(roomId);
    if (!members || members.has(userId)) return false;
    members.add(userId);
    try {
      await this.durable.addMember(roomId, userId);
    } catch (error) {
      members.delete(userId);
      throw error;
    }
    return true;
  }

  async removeMember(roomId: string, userId: string): Promise<boolean> {
    const members = this.members.get(roomId);
    if (!members?.delete(userId)) return false;
    try {
      await this.durable.removeMember(roomId, userId);
    } catch (error) {
      members.add(userId);
      throw error;
    }
    return true;
  }

  memberIds(roomId: string, limit: number): Promise<string[]> {
    const ids = [...(this.members.get(roomId) ?? [])].sort(byCodeUnits);
    return Promise.resolve(ids.slice(0, limit));
  }

  async hideDm(userId: string, roomId: string, upTo: string): Promise<void> {
    const marks = this.marksOf(userId);
    const before = marks.get(roomId);
    marks.set(roomId, upTo);
    try {
      await this.durable.saveHiddenDm(userId, roomId, upTo);
    } catch (error) {
      if (before === undefined) marks.delete(roomId);
      else marks.set(roomId, before);
      throw error;
    }
  }

  async unhideDm(userId: string, roomId: string): Promise<boolean> {
    const marks = this.hidden.get(userId);
    const before = marks?.get(roomId);
    if (!marks || before === undefined) return false;
    marks.delete(roomId);
    try {
      await this.durable.deleteHiddenDm(userId, roomId);
    } catch (error) {
      marks.set(roomId, before);
      throw error;
    }
    return true;
  }

  hiddenDms(userId: string): Promise<Map<string, string>> {
    return Promise.resolve(new Map(this.hidden.get(userId)));
  }

  private marksOf(userId: string): Map<string, string> {
    let marks = this.hidden.get(userId);
    if (!marks) this.hidden.set(userId, (marks = new Map()));
    return marks;
  }

  async getOrCreateDm(
    room: Room,
    [userA, userB]: [string, string],
  ): Promise<{ room: Room; created: boolean }> {
    const pair = [userA, userB].sort().join(':');
    const existing = this.dms.get(pair);
    if (existing) {
      // It may have been created a moment ago and still be on its way to the durable state.
      await this.durable.settled();
      const kept = this.dms.get(pair);
      if (kept) return { room: this.rooms.get(kept)!, created: false };
    }
    this.dms.set(pair, room.id);
    this.rooms.set(room.id, { ...room });
    this.members.set(room.id, new Set([userA, userB]));
    try {
      await this.durable.addRoom(room, [userA, userB], pair);
    } catch (error) {
      this.dms.delete(pair);
      this.rooms.delete(room.id);
      this.members.delete(room.id);
      throw error;
    }
    return { room, created: true };
  }
}

/** One page of a list in creation order (the Map's insertion order), as RoomPage describes. */
function pageOf(rooms: Room[], page: RoomPage | undefined): Room[] {
  if (!page) return rooms;
  let start = 0;
  if (page.after) {
    const { id, createdAtMs } = page.after;
    const index = rooms.findIndex((room) => room.id === id);
    start =
      index >= 0
        ? index + 1
        : rooms.filter((room) => Date.parse(room.createdAt) <= createdAtMs).length;
  }
  return rooms.slice(start, start + page.limit);
}
