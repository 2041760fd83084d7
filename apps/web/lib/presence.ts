import type { PresenceEvent, User } from '@chat/shared';

/*
 * Who is online: GET /api/presence gives the current list (no event is sent
 * on connect), `presence` events change it from then on. Pure functions; the
 * list is kept sorted by username.
 */

export type OnlineUsers = readonly User[];

export function sortUsers(users: readonly User[]): OnlineUsers {
  const unique = new Map(users.map((user) => [user.id, user]));
  return [...unique.values()].sort(
    (a, b) =>
      a.username.localeCompare(b.username, undefined, { sensitivity: 'base' }) ||
      a.id.localeCompare(b.id),
  );
}

export function applyPresence(users: OnlineUsers, event: PresenceEvent): OnlineUsers {
  const present = users.some((user) => user.id === event.user.id);
  if (event.online === present) return users;
  return event.online
    ? sortUsers([...users, event.user])
    : users.filter((user) => user.id !== event.user.id);
}

export function isOnline(users: OnlineUsers, username: string): boolean {
  const wanted = username.toLowerCase();
  return users.some((user) => user.username.toLowerCase() === wanted);
}
