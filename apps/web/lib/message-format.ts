/*
 * Light formatting of a message's text, the kind people type out of habit from Slack, Discord
 * and GitHub: **bold**, _italic_ (or *italic*), `inline code`, ```code blocks``` with an
 * optional language word, and links (lib/linkify.ts). The result is data, a tree of segments
 * that components/message-text.tsx turns into React elements: nothing the sender typed is
 * ever parsed as HTML, so `<b>x</b>` and `<script>` are text like any other.
 *
 * The rules, in the order they apply (test/message-format.test.ts has a case for each):
 *
 * 1. Code. A run of backticks pairs with the next run of exactly as many backticks. Three or
 *    more make a code block (a word right after the opening run, alone on its line, is the
 *    block's language), fewer make inline code. Inside code everything is literal: no
 *    formatting, no links, no escapes. A run that pairs with nothing is literal text.
 * 2. Links, found by `linkify` in the text outside code. A link is literal too: the `_` and
 *    `*` inside a URL stay in it.
 * 3. Emphasis (lib/inline-format.ts) in what is left: `**` is bold, one `*` or `_` italic,
 *    `***` both. A marker opens when a non-space follows it and closes when a non-space
 *    precedes it, never inside a word (snake_case_words, 2*3*4 and x**2 stay plain), and
 *    markers that never close stay literal. Bold and italic nest, and wrap code and links.
 *    `__` is not bold (it stays literal, as in `__init__`).
 * 4. A backslash right before a run of `*`, `_` or backticks makes the whole run literal and
 *    is dropped (`\*\*not bold\*\*`, `\**not bold**`); any other backslash stays, so paths like
 *    C:\Users or \\server\share are shown whole.
 *
 * Guarantees: joining every text, link and code of the tree, with the markers the rules
 * consumed, gives the message back; the work is linear in the text's length (counted in
 * `meter`, so tests bound it without a clock): no input makes any pass revisit text.
 *
 * Extending it with @mentions: add `{ kind: 'mention'; text: string; name: string }` to
 * `InlineSegment` and find mentions in `atomsOf` (lib/inline-format.ts), in the text pieces
 * `linkify` leaves between links. Atoms are opaque to emphasis and are never looked for
 * inside code, so `**@ann**` is a bold mention and `` `@ann` `` stays code.
 */

import { parseInline } from './inline-format';
import type { WorkMeter } from './linkify';

export type { WorkMeter };

/** What can sit inside a line of text; `strong` and `em` nest. */
export type InlineSegment =
  | { kind: 'text'; text: string }
  | { kind: 'link'; text: string; href: string }
  | { kind: 'code'; text: string }
  | { kind: 'strong'; children: InlineSegment[] }
  | { kind: 'em'; children: InlineSegment[] };

/** A fenced code block: shown apart from the lines around it, its text verbatim. */
export interface CodeBlockSegment {
  kind: 'code-block';
  text: string;
  /** The word after the opening fence (`js`, `c++`, `shell`), shown as a label. */
  language?: string;
}

export type FormatSegment = InlineSegment | CodeBlockSegment;

/** A part of the text the code pass left: plain text (by position) or inline code. */
export type InlinePiece = { kind: 'plain'; start: number; end: number } | InlineCode;
type InlineCode = { kind: 'code'; text: string };

/** The longest language word after a fence; a longer one is code, not a label. */
const LANGUAGE_MAX = 32;
const BACKTICK = 96;
const BACKSLASH = 92;

/** Parses `text` into segments (rules above); linear in its length. */
export function formatMessage(text: string, meter?: WorkMeter): FormatSegment[] {
  const segments: FormatSegment[] = [];
  let line: InlinePiece[] = [];
  let regionStart = 0;
  const endRegion = (end: number) => {
    if (line.length > 0) segments.push(...parseInline(text, line, regionStart, end, meter));
    line = [];
  };

  const runs = new BacktickRuns(text, meter);
  let i = 0;
  let plainStart = 0;
  while (i < text.length) {
    count(meter);
    const char = text.charCodeAt(i);
    if (char === BACKSLASH && text.charCodeAt(i + 1) === BACKTICK) {
      // An escaped run stays in the plain text; the inline pass drops the backslash.
      i = runs.endOf(i + 1);
      continue;
    }
    if (char !== BACKTICK) {
      i += 1;
      continue;
    }
    const runEnd = runs.endOf(i);
    const length = runEnd - i;
    const close = runs.nextOfLength(length, runEnd);
    if (close < 0) {
      i = runEnd;
      continue;
    }
    const content = text.slice(runEnd, close);
    let next = close + length;
    if (length < 3) {
      if (plainStart < i) line.push({ kind: 'plain', start: plainStart, end: i });
      line.push({ kind: 'code', text: trimCodeSpan(content) });
    } else {
      // The fence's own line breaks belong to the fence, not to the text around it.
      const before = plainStart < i && text.charCodeAt(i - 1) === 10 ? i - 1 : i;
      if (plainStart < before) line.push({ kind: 'plain', start: plainStart, end: before });
      endRegion(before);
      segments.push(codeBlock(content, meter));
      if (text.charCodeAt(next) === 10) next += 1;
      regionStart = next;
    }
    i = next;
    plainStart = next;
  }
  if (plainStart < text.length) line.push({ kind: 'plain', start: plainStart, end: text.length });
  endRegion(text.length);
  return segments;
}

/**
 * Where each maximal run of backticks starts, by length, so that finding the run that closes
 * an opening one costs no rescanning: openers come left to right, so each length's cursor
 * only moves forward (every run is stepped over at most once in all).
 */
class BacktickRuns {
  private readonly starts = new Map<number, number[]>();
  private readonly cursors = new Map<number, number>();

  constructor(
    private readonly text: string,
    private readonly meter: WorkMeter | undefined,
  ) {
    let i = 0;
    while (i < text.length) {
      count(meter);
      if (text.charCodeAt(i) !== BACKTICK) {
        i += 1;
        continue;
      }
      const end = this.endOf(i);
      const list = this.starts.get(end - i);
      if (list) list.push(i);
      else this.starts.set(end - i, [i]);
      i = end;
    }
  }

  /** The index after the run of backticks that starts at `start`. */
  endOf(start: number): number {
    let end = start;
    while (this.text.charCodeAt(end) === BACKTICK) end += 1;
    if (this.meter) this.meter.steps += end - start;
    return end;
  }

  /** The start of the first run of exactly `length` backticks at or after `from`, or -1. */
  nextOfLength(length: number, from: number): number {
    const starts = this.starts.get(length);
    if (!starts) return -1;
    let cursor = this.cursors.get(length) ?? 0;
    while (cursor < starts.length && starts[cursor]! < from) {
      count(this.meter);
      cursor += 1;
    }
    this.cursors.set(length, cursor);
    return cursor < starts.length ? starts[cursor]! : -1;
  }
}

/** One space on each side is padding (`` `` `x` `` `` shows backticks), as in CommonMark. */
function trimCodeSpan(content: string): string {
  if (content.length >= 3 && content.startsWith(' ') && content.endsWith(' ') && content.trim()) {
    return content.slice(1, -1);
  }
  return content;
}

/** A block's language line (a word alone after the fence) and its text, less the fence's line breaks. */
function codeBlock(content: string, meter?: WorkMeter): CodeBlockSegment {
  // Scanned by hand: a pattern like /^[ \t]*(\w+)?[ \t]*\n/ backtracks quadratically on spaces.
  let i = 0;
  while (content[i] === ' ' || content[i] === '\t') i += 1;
  const wordStart = i;
  while (i - wordStart <= LANGUAGE_MAX && i < content.length && isLanguageChar(content[i]!)) i += 1;
  const wordEnd = i;
  while (content[i] === ' ' || content[i] === '\t') i += 1;
  if (meter) meter.steps += i + 1;
  let body = content;
  let language: string | undefined;
  if (content[i] === '\n' && wordEnd - wordStart <= LANGUAGE_MAX) {
    if (wordEnd > wordStart) language = content.slice(wordStart, wordEnd);
    body = content.slice(i + 1);
  }
  if (body.endsWith('\n')) body = body.slice(0, -1);
  return language
    ? { kind: 'code-block', text: body, language }
    : { kind: 'code-block', text: body };
}

function isLanguageChar(char: string): boolean {
  return /[A-Za-z0-9_+#.-]/.test(char);
}

function count(meter: WorkMeter | undefined): void {
  if (meter) meter.steps += 1;
}
