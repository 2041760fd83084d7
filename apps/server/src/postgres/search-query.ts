/** Words of a query that count at most; the rest are ignored. */
export const MAX_QUERY_WORDS = 16;

/**
 * What a user typed, as the text of a PostgreSQL `to_tsquery('simple', ...)`
 * that matches every word as a word or a word's prefix: `Hello wor` →
 * `'hello':* & 'wor':*`. A word is a run of letters, marks and digits in
 * any script; everything else (tsquery's operators `& | ! <-> ( ) : *`,
 * quotes, backslashes) only separates words, so no input is ever syntax.
 * Null when the query holds no word. Passed as a bound parameter, never
 * spliced into SQL.
 */
export function prefixTsQuery(query: string): string | null {
  const words = (query.normalize('NFC').match(/[\p{L}\p{M}\p{N}]+/gu) ?? [])
    .map((word) => word.toLowerCase())
    .filter((word, index, all) => all.indexOf(word) === index)
    .slice(0, MAX_QUERY_WORDS);
  if (words.length === 0) return null;
  return words.map((word) => `'${word}':*`).join(' & ');
}
