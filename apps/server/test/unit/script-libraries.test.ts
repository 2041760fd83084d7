import { withLibraries } from '../../src/redis/scripts';

// A script gets the Lua libraries it calls, and the ones those call, in dependency order; never
// one it does not use (each costs Redis time on every call of the script: issue 16).
const libraries = [
  { name: 'lib/a', source: 'local function alpha() return 1 end' },
  { name: 'lib/b', source: 'local function beta() return alpha() end' },
  { name: 'lib/c', source: 'local function gamma() return 3 end\nlocal function delta() end' },
];

test('a script that calls no library gets none', () => {
  expect(withLibraries('return 1', libraries)).toBe('return 1');
});

test('a library is prepended when the script calls any function it defines', () => {
  expect(withLibraries('return delta()', libraries)).toBe(
    `${libraries[2]!.source}\nreturn delta()`,
  );
});

test("a library's own dependencies come with it, before it", () => {
  expect(withLibraries('return beta()', libraries)).toBe(
    `${libraries[0]!.source}\n${libraries[1]!.source}\nreturn beta()`,
  );
});

test('a name is matched as a whole word', () => {
  expect(withLibraries('local alphabet = 1 return alphabet', libraries)).toBe(
    'local alphabet = 1 return alphabet',
  );
});
