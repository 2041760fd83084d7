import type { Room } from '@chat/shared';
import type { RoomPage, RoomStore } from '../ports';

export class EmbeddedRoomStore implements RoomStore {
  private readonly rooms = new Map<string, Room>();
  private readonly members = new Map<string, Set<string>>();
  private readonly publicNames = new Set<string>();
  private readonly dms = new Map<string, string>();

  create(room: Room, memberIds: string[]): Promise<'created' | 'name_taken'> {
    if (room.kind === 'public') {
      const name = room.name.toLowerCase();
      if (this.publicNames.has(name)) return Promise.resolve('name_taken');
      this.publicNames.add(name);
    }
    this.rooms.set(room.id, { ...room });
    this.members.set(room.id, new Set(memberIds));
    return Promise.resolve('created');
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

  addMember(roomId: string, userId: string): Promise<boolean> {
    const members = this.members.get(roomId);
    if (!members || members.has(userId)) return Promise.resolve(false);
    members.add(userId);
    return Promise.resolve(true);
  }

  getOrCreateDm(
    room: Room,
    [userA, userB]: [string, string],
  ): Promise<{ room: Room; created: boolean }> {
    const pair = [userA, userB].sort().join(':');
    const existing = this.dms.get(pair);
    if (existing) return Promise.resolve({ room: this.rooms.get(existing)!, created: false });
    this.dms.set(pair, room.id);
    this.rooms.set(room.id, { ...room });
    this.members.set(room.id, new Set([userA, userB]));
    return Promise.resolve({ room, created: true });
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
