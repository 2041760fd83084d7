import {
  excerptAround,
  highlightSegments,
  queryWords,
  searchSnippet,
  type TextSegment,
} from '../lib/search-highlight';

/** The segments as text with the matches in brackets: "[Hello] world". */
const show = (segments: readonly TextSegment[]) =>
  segments.map((s) => (s.match ? `[${s.text}]` : s.text)).join('');

describe('search highlighting', () => {
  it('cuts the query into folded words, as the server tokenises', () => {
    expect(queryWords('  Hello, WORLD! hello  ')).toEqual(['hello', 'world']);
    expect(queryWords("l'été naïve 42")).toEqual(['l', 'été', 'naïve', '42']);
    expect(queryWords('?!  ')).toEqual([]);
  });

  it('marks every word of the text that starts with a query word, whatever the case', () => {
    expect(show(highlightSegments('Hello world, say hello!', queryWords('hel')))).toBe(
      '[Hello] world, say [hello]!',
    );
    // A word matches at its start only: "shell" does not match "hel".
    expect(show(highlightSegments('shell hello', queryWords('HEL')))).toBe('shell [hello]');
    expect(show(highlightSegments('foo bar baz', queryWords('ba fo')))).toBe('[foo] [bar] [baz]');
  });

  it('matches in any script: Cyrillic, Greek, accents, CJK, digits', () => {
    expect(show(highlightSegments('Привет, мир', queryWords('ПРИВ')))).toBe('[Привет], мир');
    expect(show(highlightSegments('Καλημέρα κόσμε', queryWords('καλη')))).toBe('[Καλημέρα] κόσμε');
    expect(show(highlightSegments('Crème brûlée', queryWords('BRÛ')))).toBe('Crème [brûlée]');
    expect(show(highlightSegments('東京 と 大阪', queryWords('東京')))).toBe('[東京] と 大阪');
    expect(show(highlightSegments('room 2026b', queryWords('2026')))).toBe('room [2026b]');
  });

  it('keeps the text whole, and unmarked without query words', () => {
    const text = '<b>not html</b> & "quotes"';
    const segments = highlightSegments(text, queryWords('html'));
    expect(segments.map((s) => s.text).join('')).toBe(text);
    expect(show(segments)).toBe('<b>not [html]</b> & "quotes"');
    expect(highlightSegments('anything', [])).toEqual([{ text: 'anything', match: false }]);
    expect(highlightSegments('', queryWords('x'))).toEqual([{ text: '', match: false }]);
  });

  it('keeps short texts whole and cuts long ones around the first match', () => {
    expect(excerptAround('short\ntext', queryWords('text'))).toBe('short text');

    const before = 'lorem '.repeat(60);
    const after = ' ipsum'.repeat(60);
    const long = `${before}needle${after}`;
    const excerpt = excerptAround(long, queryWords('need'), 100);
    expect(excerpt.startsWith('…')).toBe(true);
    expect(excerpt.endsWith('…')).toBe(true);
    expect(excerpt).toContain('needle');
    expect(excerpt.length).toBeLessThanOrEqual(102);
    // Cut between words, and not much before the match.
    expect(excerpt.indexOf('needle')).toBeLessThanOrEqual(42);
    expect(excerpt).toMatch(/^…lorem /);

    // A match near the start keeps the start; near the end, the end.
    expect(excerptAround(`needle${after}`, queryWords('needle'), 100)).toMatch(/^needle .*…$/);
    expect(excerptAround(`${before}needle`, queryWords('needle'), 100)).toMatch(/^….* needle$/);
  });

  it('never cuts a surrogate pair in half', () => {
    const emoji = '😀'.repeat(100);
    const excerpt = excerptAround(`${emoji}target${emoji}`, queryWords('target'), 50);
    expect(excerpt).toContain('target');
    expect(excerpt).not.toMatch(
      /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/,
    );
  });

  it('gives a long result an excerpt with its matched words marked', () => {
    const text = `${'word '.repeat(80)}the Distinctive one`;
    expect(show(searchSnippet(text, 'distinct', 60))).toMatch(/the \[Distinctive\] one$/);
  });
});
