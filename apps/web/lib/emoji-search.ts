import { EMOJI, type EmojiEntry } from './emoji-data';

/**
 * The emoji matching what was typed, in the picker's order: every word of
 * the query must start a word of the name or a keyword (case-insensitive);
 * typing the emoji itself finds it. An empty query gives them all.
 */
export function searchEmoji(query: string, list: readonly EmojiEntry[] = EMOJI): EmojiEntry[] {
  const words = query.trim().toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return [...list];
  return list.filter((entry) => {
    if (entry.emoji === query.trim()) return true;
    const own = [...entry.name.split(/[\s-]+/), ...entry.keywords];
    return words.every((word) => own.some((candidate) => candidate.startsWith(word)));
  });
}
