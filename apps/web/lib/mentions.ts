import { USERNAME_PATTERN, type Message, type User } from '@chat/shared';

/*
 * @mentions, as pure functions: finding the `@name` being typed in the
 * composer, the people to offer for it, putting the chosen name in, and
 * finding the `@name` tokens of a message to highlight. The server decides
 * who a message mentions (`mentions`, ids of existing users, case-insensitive
 * names); this only helps type them and shows them.
 */

/** How many people the autocomplete offers at most. */
export const MENTION_SUGGESTIONS_MAX = 8;

/** The `@name` being typed: where its `@` is, and what follows it up to the caret. */
export interface MentionQuery {
  /** Index of the `@`. */
  start: number;
  /** The letters typed after `@` (may be empty). */
  query: string;
}

const NAME_CHAR = /[A-Za-z0-9_.-]/;

/**
 * The mention being typed when the caret is at `caret`: an `@` at the start
 * or after white space or an opening bracket, followed only by username
 * characters up to the caret. Null otherwise (an e-mail address, say).
 */
export function mentionQuery(text: string, caret: number): MentionQuery | null {
  let at = caret - 1;
  while (at >= 0 && NAME_CHAR.test(text.charAt(at))) at -= 1;
  if (at < 0 || text.charAt(at) !== '@') return null;
  const before = at === 0 ? '' : text.charAt(at - 1);
  if (before !== '' && !/[\s([{"']/.test(before)) return null;
  const query = text.slice(at + 1, caret);
  if (query.length > 32) return null;
  return { start: at, query };
}

/**
 * The people to offer for `query`: usernames starting with it first, then
 * those containing it, each alphabetical, without `selfId`, at most
 * MENTION_SUGGESTIONS_MAX, case-insensitive, each user once.
 */
export function mentionCandidates(users: readonly User[], query: string, selfId: string): User[] {
  const wanted = query.toLowerCase();
  const seen = new Set<string>();
  const starts: User[] = [];
  const contains: User[] = [];
  for (const user of users) {
    if (user.id === selfId || seen.has(user.id)) continue;
    seen.add(user.id);
    const name = user.username.toLowerCase();
    if (name.startsWith(wanted)) starts.push(user);
    else if (wanted && name.includes(wanted)) contains.push(user);
  }
  const byName = (a: User, b: User) =>
    a.username.localeCompare(b.username, undefined, { sensitivity: 'base' });
  return [...starts.sort(byName), ...contains.sort(byName)].slice(0, MENTION_SUGGESTIONS_MAX);
}

/** `text` with the mention at `query` completed to `@username ` and where the caret goes. */
export function insertMention(
  text: string,
  query: MentionQuery,
  caret: number,
  username: string,
): { text: string; caret: number } {
  const before = text.slice(0, query.start);
  const after = text.slice(caret);
  const inserted = `@${username}${after.startsWith(' ') ? '' : ' '}`;
  return {
    text: before + inserted + after,
    caret: before.length + inserted.length + (after.startsWith(' ') ? 1 : 0),
  };
}

/** The message mentions the reader. */
export function mentionsUser(message: Pick<Message, 'mentions'>, userId: string): boolean {
  return message.mentions?.includes(userId) ?? false;
}

/** A piece of a message's text: plain, or an `@name` of a mentioned user. */
export type MentionSegment =
  | { kind: 'text'; text: string }
  | { kind: 'mention'; text: string; /** The mentioned user is the reader. */ self: boolean };

/**
 * `text` split at the `@name` tokens whose name (case-insensitive) is one of
 * `names` (the mentioned users the app knows by name); `selfName` marks the
 * reader's. One text segment when there is nothing to highlight, or when the
 * text around the mentions holds formatting marks (see the end). Linear in
 * the text's length.
 */
export function mentionSegments(
  text: string,
  names: ReadonlySet<string>,
  selfName: string,
): MentionSegment[] {
  const whole: MentionSegment[] = [{ kind: 'text', text }];
  if (names.size === 0 || !text.includes('@')) return whole;
  const segments: MentionSegment[] = [];
  const self = selfName.toLowerCase();
  let plainFrom = 0;
  // As typed in the composer: at the start, or after white space, a bracket or a quote (so
  // never inside a URL or an e-mail address).
  const pattern = /(^|[\s([{"'])@([A-Za-z0-9_.-]+)/g;
  for (const match of text.matchAll(pattern)) {
    const name = (match[2] as string).replace(/[.-]+$/, '');
    const lower = name.toLowerCase();
    if (!names.has(lower) || !USERNAME_PATTERN.test(name)) continue;
    const start = (match.index ?? 0) + (match[1] as string).length;
    if (start > plainFrom) segments.push({ kind: 'text', text: text.slice(plainFrom, start) });
    segments.push({ kind: 'mention', text: `@${name}`, self: lower === self });
    plainFrom = start + 1 + name.length;
  }
  if (segments.length === 0) return whole;
  if (plainFrom < text.length) segments.push({ kind: 'text', text: text.slice(plainFrom) });
  // Each piece of text is formatted on its own (MessageText): where a piece holds a formatting
  // mark (a `**bold**` or a code span around a mention), splitting could break the formatting,
  // so the text stays whole and unhighlighted (the message is still marked as mentioning).
  const splitsFormatting = segments.some(
    (segment) => segment.kind === 'text' && /[*_`~]/.test(segment.text),
  );
  return splitsFormatting ? whole : segments;
}
