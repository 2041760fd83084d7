/*
 * Bold and italic in one line region of a message (the text between code blocks), after
 * code was taken out (lib/message-format.ts states the rules). Links and inline code are
 * atoms here: emphasis may wrap them but never looks inside.
 *
 * Markers pair up the way CommonMark's delimiter runs do, without its "multiple of 3"
 * rule and with the stricter underscore rule for `*` too (no emphasis inside a word):
 * each closing run pairs with the nearest open run of the same marker; the runs between
 * them that are still open become literal. A run of two pairs as bold when the other side
 * has two left, else one marker at a time as italic. Linear: a closing run that finds no
 * opener records how far down it looked (`floor`), so no later closer of that marker looks
 * there again, and every run a match passes over is taken off the stack for good.
 */

import type { InlinePiece, InlineSegment } from './message-format';
import { linkify, type WorkMeter } from './linkify';

type Marker = '*' | '_';

/** A pairing of an opening and a closing run: two markers make bold, one italic. */
interface Pair {
  strong: boolean;
}

interface Delimiter {
  kind: 'delimiter';
  marker: Marker;
  length: number;
  canOpen: boolean;
  canClose: boolean;
  /** Markers not yet paired. */
  remaining: number;
  /** Pairs this run closes, innermost first (they take its first markers). */
  closes: Pair[];
  /** Pairs this run opens, innermost first (they take its last markers). */
  opens: Pair[];
  /** Markers used by `opens`. */
  opened: number;
}

type Token = { kind: 'text'; text: string } | { kind: 'atom'; segment: InlineSegment } | Delimiter;

/**
 * The inline segments of the region [regionStart, regionEnd) of `text`, made of `pieces`.
 * The region's edges count as white space for the markers next to them.
 */
export function parseInline(
  text: string,
  pieces: readonly InlinePiece[],
  regionStart: number,
  regionEnd: number,
  meter?: WorkMeter,
): InlineSegment[] {
  const tokens: Token[] = [];
  for (const piece of pieces) {
    if (piece.kind === 'code') {
      tokens.push({ kind: 'atom', segment: piece });
      continue;
    }
    let position = piece.start;
    for (const part of atomsOf(text.slice(piece.start, piece.end), meter)) {
      if (part.kind === 'text') {
        const end = position + part.text.length;
        tokenize(text, position, end, regionStart, regionEnd, tokens, meter);
        position = end;
      } else {
        tokens.push({ kind: 'atom', segment: part });
        position += part.text.length;
      }
    }
  }
  pairDelimiters(tokens, meter);
  return buildTree(tokens, meter);
}

/**
 * The parts of plain text that formatting never looks inside (links today; mentions are to
 * be found here too, in the text parts), and the text around them. Joined, they give
 * `plain` back.
 */
export function atomsOf(
  plain: string,
  meter?: WorkMeter,
): ({ kind: 'text'; text: string } | Extract<InlineSegment, { kind: 'link' }>)[] {
  return linkify(plain, meter);
}

const BACKSLASH = '\\';

function isMarkerChar(char: string | undefined): boolean {
  return char === '*' || char === '_' || char === '`';
}

/** Text, escapes and marker runs of [start, end) (plain text, no atom inside). */
function tokenize(
  text: string,
  start: number,
  end: number,
  regionStart: number,
  regionEnd: number,
  tokens: Token[],
  meter?: WorkMeter,
): void {
  let textStart = start;
  const flush = (until: number) => {
    if (textStart < until) tokens.push({ kind: 'text', text: text.slice(textStart, until) });
  };
  let i = start;
  while (i < end) {
    count(meter);
    const char = text[i]!;
    if (char === BACKSLASH && i + 1 < end && isMarkerChar(text[i + 1])) {
      flush(i);
      const runEnd = endOfRun(text, i + 1, end);
      tokens.push({ kind: 'text', text: text.slice(i + 1, runEnd) });
      if (meter) meter.steps += runEnd - i;
      i = runEnd;
      textStart = i;
    } else if (char === '*' || char === '_') {
      flush(i);
      const runEnd = endOfRun(text, i, end);
      if (meter) meter.steps += runEnd - i;
      tokens.push(delimiter(text, char, i, runEnd, regionStart, regionEnd));
      i = runEnd;
      textStart = i;
    } else {
      i += 1;
    }
  }
  flush(end);
}

function endOfRun(text: string, start: number, end: number): number {
  let i = start;
  while (i < end && text[i] === text[start]) i += 1;
  return i;
}

/**
 * A run of markers and what it may do, from the characters on either side of it:
 * "left-flanking" (it may open) when a non-space follows it that is not punctuation, or
 * is punctuation after a space or punctuation; "right-flanking" (it may close) the other
 * way round. A run that is both (inside a word) does nothing unless punctuation is on the
 * side it acts on. `__` and longer underscore runs are literal.
 */
function delimiter(
  text: string,
  marker: Marker,
  start: number,
  end: number,
  regionStart: number,
  regionEnd: number,
): Delimiter {
  const before = start > regionStart ? charBefore(text, start) : ' ';
  const after = end < regionEnd ? charAt(text, end) : ' ';
  const spaceBefore = isSpace(before);
  const spaceAfter = isSpace(after);
  const punctBefore = isPunctuation(before);
  const punctAfter = isPunctuation(after);
  const left = !spaceAfter && (!punctAfter || spaceBefore || punctBefore);
  const right = !spaceBefore && (!punctBefore || spaceAfter || punctAfter);
  const active = marker === '*' || end - start === 1;
  return {
    kind: 'delimiter',
    marker,
    length: end - start,
    canOpen: active && left && (!right || punctBefore),
    canClose: active && right && (!left || punctAfter),
    remaining: end - start,
    closes: [],
    opens: [],
    opened: 0,
  };
}

/** The code point that ends at `index` (a whole emoji, not half of its surrogate pair). */
function charBefore(text: string, index: number): string {
  const low = text.charCodeAt(index - 1);
  const start = low >= 0xdc00 && low <= 0xdfff && index >= 2 ? index - 2 : index - 1;
  return text.slice(start, index);
}

function charAt(text: string, index: number): string {
  return String.fromCodePoint(text.codePointAt(index)!);
}

function isSpace(char: string): boolean {
  return /^\s$/u.test(char);
}

/** Unicode punctuation and symbols (emoji among them), as CommonMark counts them. */
function isPunctuation(char: string): boolean {
  return /^[\p{P}\p{S}]$/u.test(char);
}

/** Pairs the runs (see the header): fills each run's `closes` and `opens`. */
function pairDelimiters(tokens: Token[], meter?: WorkMeter): void {
  const open: Delimiter[] = [];
  // Per marker: no open run of that marker lies below this index of `open`.
  const floor: Record<Marker, number> = { '*': 0, _: 0 };
  const lowerFloors = () => {
    floor['*'] = Math.min(floor['*'], open.length);
    floor._ = Math.min(floor._, open.length);
  };
  for (const token of tokens) {
    if (token.kind !== 'delimiter') continue;
    count(meter);
    while (token.canClose && token.remaining > 0) {
      let j = open.length - 1;
      while (j >= floor[token.marker] && open[j]!.marker !== token.marker) {
        count(meter);
        j -= 1;
      }
      if (j < floor[token.marker]) {
        floor[token.marker] = open.length;
        break;
      }
      const opener = open[j]!;
      // The runs between stay literal.
      open.length = j + 1;
      const use = opener.remaining >= 2 && token.remaining >= 2 ? 2 : 1;
      const pair: Pair = { strong: use === 2 };
      opener.opens.push(pair);
      opener.opened += use;
      opener.remaining -= use;
      token.closes.push(pair);
      token.remaining -= use;
      if (opener.remaining === 0) open.pop();
      lowerFloors();
    }
    if (token.canOpen && token.remaining > 0) open.push(token);
  }
}

type Container = { pair: Pair | null; children: InlineSegment[] };

/** The tree: each run closes its pairs, shows its unpaired markers, then opens its pairs. */
function buildTree(tokens: readonly Token[], meter?: WorkMeter): InlineSegment[] {
  const root: Container = { pair: null, children: [] };
  const stack: Container[] = [root];
  const current = () => stack[stack.length - 1]!;
  for (const token of tokens) {
    count(meter);
    if (token.kind === 'text') {
      appendText(current().children, token.text);
    } else if (token.kind === 'atom') {
      current().children.push(token.segment);
    } else {
      let closed = 0;
      for (const pair of token.closes) {
        const container = stack.pop();
        // Pairs nest by construction; this guards the construction.
        if (container?.pair !== pair) throw new Error('inline-format: pairs do not nest');
        closed += pair.strong ? 2 : 1;
      }
      const literal = token.length - closed - token.opened;
      if (meter) meter.steps += literal;
      appendText(current().children, token.marker.repeat(literal));
      for (let k = token.opens.length - 1; k >= 0; k -= 1) {
        const pair = token.opens[k]!;
        const children: InlineSegment[] = [];
        current().children.push({ kind: pair.strong ? 'strong' : 'em', children });
        stack.push({ pair, children });
      }
    }
  }
  return root.children;
}

/** Appends text, merged with the text before it: the tree has no two text nodes in a row. */
function appendText(children: InlineSegment[], text: string): void {
  if (!text) return;
  const last = children[children.length - 1];
  if (last?.kind === 'text') last.text += text;
  else children.push({ kind: 'text', text });
}

function count(meter: WorkMeter | undefined): void {
  if (meter) meter.steps += 1;
}
