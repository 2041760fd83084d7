import { MAX_QUERY_WORDS, prefixTsQuery } from '../../src/postgres/search-query';

describe('prefixTsQuery', () => {
  test('every word as a prefix, all required, lower-cased, once each', () => {
    expect(prefixTsQuery('Hello wor')).toBe("'hello':* & 'wor':*");
    expect(prefixTsQuery('hello HELLO')).toBe("'hello':*");
  });

  test('words in any script, with their combining marks and digits', () => {
    expect(prefixTsQuery('Привет мир')).toBe("'привет':* & 'мир':*");
    expect(prefixTsQuery('नमस्ते 42')).toBe("'नमस्ते':* & '42':*");
  });

  test("tsquery's operators, quotes and backslashes only separate words", () => {
    expect(prefixTsQuery("it's a & b | !c <-> (d):* \\e")).toBe(
      "'it':* & 's':* & 'a':* & 'b':* & 'c':* & 'd':* & 'e':*",
    );
    for (const query of ['', '   ', "'", '&|!', ':*', '\\', '()<->', '"\'\\'])
      expect(prefixTsQuery(query)).toBeNull();
  });

  test(`at most ${MAX_QUERY_WORDS} words`, () => {
    const many = Array.from({ length: 40 }, (_, i) => `w${i}`).join(' ');
    expect(prefixTsQuery(many)!.split(' & ')).toHaveLength(MAX_QUERY_WORDS);
  });
});
