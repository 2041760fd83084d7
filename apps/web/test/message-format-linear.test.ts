import { formatMessage, type WorkMeter } from '../lib/message-format';

/*
 * A message of 4,000 crafted characters must format in linear time: a parser that looks
 * for a closing marker by scanning ahead, or re-walks its open markers for each closer,
 * costs n² on runs of unclosed markers or of backticks, and would freeze every viewer's
 * tab. The work is counted in steps (no clock): for each family of hostile inputs it stays
 * within a few steps per character, and doubling the input at most doubles it.
 */

const TEXT_MAX = 4000;

/** A fixed pseudo-random sequence (a linear congruential generator), so runs are repeatable. */
function mix(alphabet: string, length: number): string {
  let seed = 12345;
  let text = '';
  for (let i = 0; i < length; i += 1) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    text += alphabet[seed % alphabet.length];
  }
  return text;
}

/** `unit` repeated to `length` characters. */
const repeat = (unit: string) => (length: number) =>
  unit.repeat(Math.ceil(length / unit.length)).slice(0, length);

/** Backtick runs of every length 1, 2, 3, … none of which has a partner. */
function growingBacktickRuns(length: number): string {
  let text = '';
  for (let run = 1; text.length + run + 1 <= length; run += 1) text += `${'`'.repeat(run)}x`;
  return text.padEnd(length, 'x');
}

/** `opener` repeated over the first half, `closer` over the second. */
const halves = (opener: string, closer: string) => (length: number) =>
  repeat(opener)(length / 2) + repeat(closer)(length / 2);

const WORST: Record<string, (length: number) => string> = {
  'the **_`** family': repeat('**_`**'),
  'the **_` family': repeat('**_`'),
  'unclosed bold': repeat('**a '),
  'unclosed italic': repeat('_a '),
  'closers without openers': repeat('a** '),
  'italic openers, then bold closers': halves('_a ', 'a** '),
  'openers of one kind between closers of the other': repeat('_a a* '),
  'nested openers closed at the very end': (length) => `${repeat('*a _b ')(length - 2)}a*`,
  'runs of one marker char of growing length': repeat('* ** *** **** ***** '),
  'a long run of backticks': repeat('`'),
  'backtick runs of growing length': growingBacktickRuns,
  'unpaired double backticks': repeat('``x`'),
  'fences never closed': repeat('```a\n'),
  'many code blocks': repeat('```a```'),
  'escaped markers': repeat('\\*\\_\\`'),
  'backslashes before runs': repeat('\\***'),
  'links between markers': repeat('**http://a.test/_'),
  'spaces after a fence': (length) => `\`\`\`${' '.repeat(length - 6)}\`\`\``,
  'a random mix of markers': (length) => mix('*_`\\ a\n', length),
  'a random mix with links': (length) => mix('*_` aw.h', length),
};

function steps(text: string): number {
  const meter: WorkMeter = { steps: 0 };
  formatMessage(text, meter);
  return meter.steps;
}

describe('formatMessage on the worst inputs', () => {
  test.each(Object.keys(WORST))('%s: a few steps per character, for n and 2n', (name) => {
    const make = WORST[name]!;
    const smallText = make(TEXT_MAX / 2);
    const largeText = make(TEXT_MAX);
    expect(smallText).toHaveLength(TEXT_MAX / 2);
    expect(largeText).toHaveLength(TEXT_MAX);
    const small = steps(smallText);
    const large = steps(largeText);
    // Every character is looked at at least once, and at most a few times.
    expect(small).toBeGreaterThanOrEqual(TEXT_MAX / 2);
    expect(large).toBeLessThanOrEqual(8 * TEXT_MAX);
    // Doubling the input at most doubles the work, give or take a little (a quadratic
    // parser quadruples it).
    expect(large).toBeLessThanOrEqual(2 * small + 64);
  });
});
