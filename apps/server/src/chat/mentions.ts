import { LIMITS } from '@chat/shared';

/** Distinct names looked up per message at most: bounds the work a text of `@a @b @c ...` costs. */
export const MENTION_LOOKUPS_MAX = 20;

/*
 * `@name` where `name` is a username (USERNAME_PATTERN, 3 to 32 characters), not glued to a
 * word before it (`mail@example.com` mentions nobody). A name's trailing dots and dashes
 * are punctuation (`@bob.`), unless the username itself ends so: both are looked up.
 */
const MENTION = /(?<![A-Za-z0-9_.-])@([A-Za-z0-9_.-]+)/g;

/**
 * The distinct names (lower-cased) a text @mentions, in order of first appearance, at most
 * MENTION_LOOKUPS_MAX; the caller keeps those that name existing users.
 */
export function mentionedNames(text: string): string[] {
  const names = new Set<string>();
  for (const match of text.matchAll(MENTION)) {
    const raw = match[1]!.toLowerCase();
    for (const name of [raw, raw.replace(/[.-]+$/, '')]) {
      if (names.size >= MENTION_LOOKUPS_MAX) return [...names];
      if (name.length >= LIMITS.usernameMin && name.length <= LIMITS.usernameMax) names.add(name);
    }
  }
  return [...names];
}
