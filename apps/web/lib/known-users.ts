import type { Message, User } from '@chat/shared';
import type { MessageList } from './message-list';

/*
 * The people the app knows by name, for what shows names of ids (who
 * reacted, mentions) and for the `@` autocomplete: no call asks the server
 * for arbitrary users, so it is what is at hand: the reader, the room's
 * members (private rooms and DMs), the people online, and the authors of the
 * messages held (and of what they quote).
 */

/** Usernames by user id, from every source given; later sources do not override earlier ones. */
export function knownNames(
  sources: readonly (readonly User[])[],
  lists: readonly MessageList[],
): Map<string, string> {
  const names = new Map<string, string>();
  for (const users of sources)
    for (const user of users) if (!names.has(user.id)) names.set(user.id, user.username);
  for (const list of lists) for (const message of list.sent) addAuthors(names, message);
  return names;
}

/** The people to offer after `@`: the members when the room has a list, else everyone known. */
export function mentionableUsers(
  members: readonly User[] | null,
  names: ReadonlyMap<string, string>,
): User[] {
  if (members) return [...members];
  return [...names].map(([id, username]) => ({ id, username }));
}

function addAuthors(names: Map<string, string>, message: Message): void {
  if (!names.has(message.userId)) names.set(message.userId, message.username);
  const quoted = message.replyTo;
  if (quoted && !names.has(quoted.userId)) names.set(quoted.userId, quoted.username);
}
