import type { Room } from '@chat/shared';

/**
 * Who may read (join, see history of) and send to a room: anyone for a
 * public room, members only for private rooms and DMs. Sending additionally
 * requires the socket to have joined the room (checked in socket/).
 */
export function mayRead(room: Room, isMember: boolean): boolean {
  return room.kind === 'public' || isMember;
}
