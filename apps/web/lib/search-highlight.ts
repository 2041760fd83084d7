/*
 * Which words of a message a search matched, as pure functions, for the
 * results list to highlight with React elements (never HTML).
 *
 * The rule is the server's: text is cut into words, runs of Unicode letters,
 * marks and digits (\p{L}\p{M}\p{N}), in any script; a word of the query
 * matches a word of the text that starts with it, whatever the case ("hel"
 * matches "Hello", "ПРИВ" matches "привет").
 */

/** A run of letters, marks and digits: a word, as the server's tokenizer cuts text. */
const WORD = /[\p{L}\p{M}\p{N}]+/gu;

/** A piece of text, matched or not; the pieces in order give back the text whole. */
export interface TextSegment {
  text: string;
  match: boolean;
}

/** The default length of a result's excerpt, in characters. */
export const EXCERPT_LENGTH = 180;
/** How much text an excerpt keeps before its first match, at most. */
const LEAD = 40;
const ELLIPSIS = '…';

/** The same word for comparing: composed, lower case. */
function fold(word: string): string {
  return word.normalize('NFC').toLowerCase();
}

/** The query's words, folded, without repeats. Empty when it has none. */
export function queryWords(query: string): string[] {
  return [...new Set((query.match(WORD) ?? []).map(fold))];
}

/** True when some word of the query starts the text's word. */
function matches(word: string, words: readonly string[]): boolean {
  const folded = fold(word);
  return words.some((w) => folded.startsWith(w));
}

/**
 * The text as segments, each matched word its own segment (the whole word:
 * "Hello" for the query "hel"). Without query words, one unmatched segment.
 */
export function highlightSegments(text: string, words: readonly string[]): TextSegment[] {
  const segments: TextSegment[] = [];
  let from = 0;
  if (words.length > 0) {
    for (const found of text.matchAll(WORD)) {
      if (!matches(found[0], words)) continue;
      const start = found.index;
      if (start > from) segments.push({ text: text.slice(from, start), match: false });
      segments.push({ text: found[0], match: true });
      from = start + found[0].length;
    }
  }
  if (from < text.length || segments.length === 0)
    segments.push({ text: text.slice(from), match: false });
  return segments;
}

/** Where the first matched word starts; -1 when none does. */
export function firstMatchIndex(text: string, words: readonly string[]): number {
  if (words.length === 0) return -1;
  for (const found of text.matchAll(WORD)) if (matches(found[0], words)) return found.index;
  return -1;
}

/**
 * At most about `length` characters of the text around its first match: a
 * text that fits is returned whole; a longer one is cut at white space where
 * it can (never inside a surrogate pair), keeps up to 40 characters before
 * the match, and shows "…" where it was cut. Line breaks become spaces.
 */
export function excerptAround(
  text: string,
  words: readonly string[],
  length = EXCERPT_LENGTH,
): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= length) return flat;
  const match = Math.max(0, firstMatchIndex(flat, words));
  let start = match <= LEAD ? 0 : cutBefore(flat, match - LEAD, match);
  let end = Math.min(flat.length, start + length);
  // Near the end: take the room left over before the match instead.
  if (end === flat.length) start = cutBefore(flat, Math.max(0, end - length), match);
  if (end < flat.length) end = cutAfter(flat, end, start + Math.ceil(length * 0.75));
  return `${start > 0 ? ELLIPSIS : ''}${flat.slice(start, end).trim()}${end < flat.length ? ELLIPSIS : ''}`;
}

/** The excerpt of a result, as highlighted segments. */
export function searchSnippet(text: string, query: string, length = EXCERPT_LENGTH): TextSegment[] {
  const words = queryWords(query);
  return highlightSegments(excerptAround(text, words, length), words);
}

/** A start at or after `at` and at most `limit`: just after a space when one is near, else a code point boundary. */
function cutBefore(text: string, at: number, limit: number): number {
  const space = text.indexOf(' ', at);
  if (space >= 0 && space < limit) return space + 1;
  return codePointBoundary(text, at);
}

/** An end at or before `at` and not before `floor`: at a space when one is near, else a code point boundary. */
function cutAfter(text: string, at: number, floor: number): number {
  const space = text.lastIndexOf(' ', at);
  if (space >= floor) return space;
  return codePointBoundary(text, at);
}

/** `at`, moved back one unit when it would split a surrogate pair. */
function codePointBoundary(text: string, at: number): number {
  const code = text.charCodeAt(at);
  return at > 0 && code >= 0xdc00 && code <= 0xdfff ? at - 1 : at;
}
