/*
 * Finds web links in plain message text. The result is data (strings), which
 * the UI turns into React text nodes and <a> elements: nothing the sender
 * typed is ever parsed as HTML.
 */

export type TextSegment =
  { kind: 'text'; text: string } | { kind: 'link'; text: string; href: string };

/** `http://`, `https://` or `www.` up to white space (or characters never part of a typed URL). */
const CANDIDATE = /(?:\bhttps?:\/\/|\bwww\.)[^\s<>"'`]+/gi;

/** Characters that end a sentence rather than a URL when they come last. */
const TRAILING = /[.,;:!?*_~]+$/;

const CLOSERS: Record<string, string> = { ')': '(', ']': '[', '}': '{' };

/**
 * Splits `text` into plain and link segments. Only http(s) URLs that parse
 * become links; joining every segment's `text` gives `text` back unchanged.
 */
export function linkify(text: string): TextSegment[] {
  const segments: TextSegment[] = [];
  let last = 0;
  for (const match of text.matchAll(CANDIDATE)) {
    const start = match.index;
    const candidate = trimUrl(match[0]);
    const href = toHref(candidate);
    if (!href) continue;
    if (start > last) segments.push({ kind: 'text', text: text.slice(last, start) });
    segments.push({ kind: 'link', text: candidate, href });
    last = start + candidate.length;
  }
  if (last < text.length) segments.push({ kind: 'text', text: text.slice(last) });
  return segments;
}

/** Drops trailing punctuation, and closing brackets that have no opening one in the URL. */
function trimUrl(url: string): string {
  let result = url;
  for (;;) {
    const before = result;
    result = result.replace(TRAILING, '');
    const end = result.at(-1);
    const opener = end === undefined ? undefined : CLOSERS[end];
    if (opener !== undefined && count(result, end as string) > count(result, opener)) {
      result = result.slice(0, -1);
    }
    if (result === before) return result;
  }
}

function count(text: string, char: string): number {
  let n = 0;
  for (const c of text) if (c === char) n += 1;
  return n;
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
