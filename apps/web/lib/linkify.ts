/*
 * Finds web links in plain message text. The result is data (strings), which
 * the UI turns into React text nodes and <a> elements: nothing the sender
 * typed is ever parsed as HTML.
 */

export type TextSegment =
  { kind: 'text'; text: string } | { kind: 'link'; text: string; href: string };

/**
 * `http://`, `https://` or `www.` up to white space (or characters never part of a typed URL),
 * not right after a letter or digit (an underscore before it may be italic's marker).
 */
const CANDIDATE = /(?<![A-Za-z0-9])(?:https?:\/\/|www\.)[^\s<>"'`]+/gi;

/** Characters that end a sentence rather than a URL when they come last. */
const TRAILING = new Set(['.', ',', ';', ':', '!', '?', '*', '_', '~']);

/** Closing brackets, and at the same index the opening bracket of each. */
const CLOSERS = ')]}';
const OPENERS = '([{';

/** Counts characters looked at, so that tests can bound the work without a clock. */
export interface WorkMeter {
  steps: number;
}

/**
 * Splits `text` into plain and link segments. Only http(s) URLs that parse
 * become links; joining every segment's `text` gives `text` back unchanged.
 * Linear in the length of `text` (`meter` counts trimUrl's steps).
 */
export function linkify(text: string, meter?: WorkMeter): TextSegment[] {
  const segments: TextSegment[] = [];
  let last = 0;
  for (const match of text.matchAll(CANDIDATE)) {
    const start = match.index;
    const candidate = trimUrl(match[0], meter);
    const href = toHref(candidate);
    if (!href) continue;
    if (start > last) segments.push({ kind: 'text', text: text.slice(last, start) });
    segments.push({ kind: 'link', text: candidate, href });
    last = start + candidate.length;
  }
  if (last < text.length) segments.push({ kind: 'text', text: text.slice(last) });
  return segments;
}

/**
 * Drops trailing punctuation, and closing brackets that have no opening one in
 * the URL, in linear time: one pass counts the brackets, a second walks back
 * from the end, visiting each character at most once (2n steps for n characters).
 */
export function trimUrl(url: string, meter?: WorkMeter): string {
  // Per bracket kind: how many more closers than openers the kept part holds.
  const excess = [0, 0, 0];
  for (let i = 0; i < url.length; i += 1) {
    const char = url[i]!;
    const closer = CLOSERS.indexOf(char);
    if (closer >= 0) excess[closer]! += 1;
    const opener = OPENERS.indexOf(char);
    if (opener >= 0) excess[opener]! -= 1;
  }
  if (meter) meter.steps += url.length;
  let end = url.length;
  while (end > 0) {
    if (meter) meter.steps += 1;
    const char = url[end - 1]!;
    const closer = CLOSERS.indexOf(char);
    if (TRAILING.has(char)) end -= 1;
    else if (closer >= 0 && excess[closer]! > 0) {
      excess[closer]! -= 1;
      end -= 1;
    } else break;
  }
  return url.slice(0, end);
}

/** The link target for a candidate, or null when it is not a usable http(s) URL. */
export function toHref(candidate: string): string | null {
  const withScheme = /^www\./i.test(candidate) ? `https://${candidate}` : candidate;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  if (!url.hostname || url.hostname === 'www.') return null;
  return url.href;
}
