import type { Room, RoomKind, RoomSummary } from '@chat/shared';

/*
 * The sidebar's rooms, as pure functions. `GET /api/rooms` gives summaries
 * (with the unread count extension); `room:created`, `room:added` and
 * `POST /api/rooms` give plain rooms. Merging is an upsert by id; a room the
 * user left or was removed from (Protocol v1.1) is taken out by `removeRoom`.
 */

export type ListedRoom = Room & Partial<Pick<RoomSummary, 'unread'>>;

export interface RoomSections {
  public: ListedRoom[];
  private: ListedRoom[];
  dm: ListedRoom[];
}

/** Adds or updates rooms by id. Returns `list` itself when nothing changed. */
export function upsertRooms(
  list: readonly ListedRoom[],
  incoming: readonly ListedRoom[],
): readonly ListedRoom[] {
  if (incoming.length === 0) return list;
  const byId = new Map(list.map((room) => [room.id, room]));
  let changed = false;
  for (const room of incoming) {
    const current = byId.get(room.id);
    if (current && sameRoom(current, room)) continue;
    byId.set(room.id, current ? { ...current, ...room } : room);
    changed = true;
  }
  return changed ? [...byId.values()] : list;
}

/** The list without room `roomId`; the same list when it is not there. */
export function removeRoom(list: readonly ListedRoom[], roomId: string): readonly ListedRoom[] {
  return list.some((room) => room.id === roomId) ? list.filter((room) => room.id !== roomId) : list;
}

/** Rooms by kind, each section sorted by display name. */
export function groupRooms(list: readonly ListedRoom[], selfUsername: string): RoomSections {
  const sections: RoomSections = { public: [], private: [], dm: [] };
  for (const room of list) sections[room.kind].push(room);
  const byName = (a: ListedRoom, b: ListedRoom) =>
    roomDisplayName(a, selfUsername).localeCompare(roomDisplayName(b, selfUsername), undefined, {
      sensitivity: 'base',
    }) || a.id.localeCompare(b.id);
  for (const kind of Object.keys(sections) as RoomKind[]) sections[kind].sort(byName);
  return sections;
}

/**
 * What to call a room. A DM's name is its two usernames joined by ", "
 * (PROTOCOL.md): show the other person's.
 */
export function roomDisplayName(room: Room, selfUsername: string): string {
  if (room.kind !== 'dm') return room.name;
  return dmPartner(room, selfUsername) ?? room.name;
}

/** The other person of a DM (usernames cannot contain ", "), or null. */
export function dmPartner(room: Room, selfUsername: string): string | null {
  if (room.kind !== 'dm') return null;
  const others = room.name
    .split(', ')
    .filter((name) => name.toLowerCase() !== selfUsername.toLowerCase());
  return others.length === 1 ? (others[0] as string) : null;
}

function sameRoom(a: ListedRoom, b: ListedRoom): boolean {
  return (
    a.name === b.name &&
    a.kind === b.kind &&
    a.createdBy === b.createdBy &&
    a.createdAt === b.createdAt &&
    (b.unread === undefined || a.unread === b.unread)
  );
}
