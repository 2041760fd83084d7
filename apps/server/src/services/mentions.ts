import { mentionedNames } from '../chat/mentions';
import type { UserStore } from '../ports';

/**
 * The ids of the existing users a text @mentions (protocol v1.1), in order of first mention:
 * at most MENTION_LOOKUPS_MAX names are looked up (concurrently: one round trip's worth of
 * time in Redis mode), and a text without `@` costs nothing.
 */
export async function resolveMentions(
  users: Pick<UserStore, 'findByUsername'>,
  text: string,
): Promise<string[]> {
  if (!text.includes('@')) return [];
  const names = mentionedNames(text);
  if (names.length === 0) return [];
  const found = await Promise.all(names.map((name) => users.findByUsername(name)));
  const ids = new Set<string>();
  for (const user of found) if (user) ids.add(user.id);
  return [...ids];
}
