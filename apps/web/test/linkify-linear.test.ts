import { linkify, trimUrl, type WorkMeter } from '../lib/linkify';

/*
 * trimUrl re-counted the URL's brackets and re-ran an end-anchored regex over
 * the whole URL once per trailing character, so one crafted 4,000-character
 * message cost about 100 ms to render (quadratic); the work is now counted in
 * steps and must stay within two per character for the worst inputs.
 */

const BASE = 'http://a.test/';

/** The inputs that were worst for the quadratic version, `length` characters long. */
const WORST: Record<string, (length: number) => string> = {
  'closing brackets': (length) => BASE + ')'.repeat(length - BASE.length),
  'brackets and full stops': (length) => BASE + ').'.repeat((length - BASE.length) / 2),
  'square brackets and marks': (length) => BASE + ']!'.repeat((length - BASE.length) / 2),
  'full stops then a letter': (length) => BASE + '.'.repeat(length - BASE.length - 1) + 'x',
  'mixed closers': (length) => BASE + '}])'.repeat((length - BASE.length) / 3),
};

function steps(text: string): number {
  const meter: WorkMeter = { steps: 0 };
  linkify(text, meter);
  return meter.steps;
}

describe('linkify on the worst inputs', () => {
  test.each(Object.keys(WORST))('%s: at most two steps per character, for n and 2n', (name) => {
    const make = WORST[name]!;
    const small = steps(make(2000));
    const large = steps(make(4000));
    expect(small).toBeGreaterThan(0);
    expect(small).toBeLessThanOrEqual(2 * 2000 + 1);
    expect(large).toBeLessThanOrEqual(2 * 4000 + 1);
    // Doubling the input at most doubles the work, give or take the fixed prefix
    // (a quadratic one quadruples it).
    expect(large).toBeLessThanOrEqual(2 * small + 2 * BASE.length);
  });

  test('a run of closers is all trimmed, and the text comes back whole', () => {
    const text = WORST['closing brackets']!(4000);
    expect(linkify(text)).toEqual([
      { kind: 'link', text: BASE, href: BASE },
      { kind: 'text', text: text.slice(BASE.length) },
    ]);
  });

  test('balanced brackets stay in the link and only the unmatched ones go', () => {
    const url = `${BASE}${'(a)'.repeat(500)}`;
    expect(trimUrl(`${url}).)`)).toBe(url);
    expect(trimUrl(`${BASE}(x)).!`)).toBe(`${BASE}(x)`);
    expect(trimUrl(`${BASE}[(x)]]`)).toBe(`${BASE}[(x)]`);
    expect(trimUrl(`${BASE}x.`)).toBe(`${BASE}x`);
  });
});
