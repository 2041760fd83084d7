import { EMOJI, QUICK_REACTIONS } from '../lib/emoji-data';
import { searchEmoji } from '../lib/emoji-search';

/* The picker's bundled emoji and its search. */

describe('searchEmoji', () => {
  it('finds emoji by the start of a word of their name or keywords, case-insensitive', () => {
    expect(searchEmoji('party').map((e) => e.emoji)).toEqual(expect.arrayContaining(['🎉', '🥳']));
    expect(searchEmoji('THUMBS UP').map((e) => e.emoji)).toEqual(['👍']);
    expect(searchEmoji('heart').length).toBeGreaterThan(5);
    expect(searchEmoji('🔥').map((e) => e.emoji)).toEqual(['🔥']);
    expect(searchEmoji('no such thing')).toEqual([]);
  });

  it('gives everything for an empty query; every entry is a valid reaction, once', () => {
    expect(searchEmoji('  ')).toHaveLength(EMOJI.length);
    const seen = new Set(EMOJI.map((e) => e.emoji));
    expect(seen.size).toBe(EMOJI.length);
    for (const entry of EMOJI) {
      expect(entry.emoji).not.toMatch(/\s/);
      expect([...entry.emoji].length).toBeLessThanOrEqual(32);
      expect(entry.name).not.toBe('');
    }
    for (const quick of QUICK_REACTIONS) expect(seen.has(quick)).toBe(true);
  });
});
