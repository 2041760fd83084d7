import {
  insertMention,
  mentionCandidates,
  mentionQuery,
  mentionSegments,
  MENTION_SUGGESTIONS_MAX,
} from '../lib/mentions';

/* The @mention helpers: what is being typed, who is offered, and what is highlighted. */

const users = ['bob', 'bobby', 'alice', 'Albert', 'carol.b', 'robert'].map((username) => ({
  id: `u-${username}`,
  username,
}));

describe('mentionQuery', () => {
  it('finds the @name being typed at the caret, at the start or after a space', () => {
    expect(mentionQuery('@', 1)).toEqual({ start: 0, query: '' });
    expect(mentionQuery('hi @bo', 6)).toEqual({ start: 3, query: 'bo' });
    expect(mentionQuery('hi @bo there', 6)).toEqual({ start: 3, query: 'bo' });
    expect(mentionQuery('(@al', 4)).toEqual({ start: 1, query: 'al' });
  });

  it('is null away from an @name: e-mail addresses, words, after a space', () => {
    expect(mentionQuery('mail me@example', 15)).toBeNull();
    expect(mentionQuery('hello', 5)).toBeNull();
    expect(mentionQuery('@bob ', 5)).toBeNull();
  });
});

describe('mentionCandidates', () => {
  it('offers names starting with the query first, then containing it, without oneself', () => {
    expect(mentionCandidates(users, 'b', 'u-bob').map((u) => u.username)).toEqual([
      'bobby',
      'Albert',
      'carol.b',
      'robert',
    ]);
    expect(mentionCandidates(users, 'AL', 'x').map((u) => u.username)).toEqual(['Albert', 'alice']);
    expect(mentionCandidates(users, 'zz', 'x')).toEqual([]);
  });

  it('offers everyone for an empty query, each once, at most the maximum', () => {
    const many = Array.from({ length: 20 }, (_, i) => ({ id: `u${i}`, username: `user${i}` }));
    expect(mentionCandidates([...many, ...many], '', 'x')).toHaveLength(MENTION_SUGGESTIONS_MAX);
  });
});

describe('insertMention', () => {
  it('completes the name with a space, and puts the caret after it', () => {
    const text = 'hi @bo and more';
    const result = insertMention(text, { start: 3, query: 'bo' }, 6, 'bobby');
    expect(result.text).toBe('hi @bobby and more');
    expect(result.text.slice(0, result.caret)).toBe('hi @bobby ');
    expect(insertMention('@b', { start: 0, query: 'b' }, 2, 'bob')).toEqual({
      text: '@bob ',
      caret: 5,
    });
  });
});

describe('mentionSegments', () => {
  it("splits out the @names of mentioned users, the reader's marked, case-insensitive", () => {
    const names = new Set(['alice', 'bob']);
    expect(
      mentionSegments('hey @Alice and @bob, not @carol. Mail a@bob.com', names, 'alice'),
    ).toEqual([
      { kind: 'text', text: 'hey ' },
      { kind: 'mention', text: '@Alice', self: true },
      { kind: 'text', text: ' and ' },
      { kind: 'mention', text: '@bob', self: false },
      { kind: 'text', text: ', not @carol. Mail a@bob.com' },
    ]);
  });

  it('never splits a URL, nor formatting around a mention (the text then stays whole)', () => {
    const names = new Set(['bob']);
    const url = 'see https://example.com/@bob now';
    expect(mentionSegments(url, names, 'x')).toEqual([{ kind: 'text', text: url }]);
    for (const text of ['**hi @bob**', '`@bob`', '_hey @bob_'])
      expect(mentionSegments(text, names, 'x')).toEqual([{ kind: 'text', text }]);
    // Brackets around a mention are no formatting.
    expect(mentionSegments('(@bob) ok', names, 'x')).toHaveLength(3);
  });

  it('keeps a sentence stop out of the name, and gives one segment when nothing is mentioned', () => {
    expect(mentionSegments('thanks @bob.', new Set(['bob']), 'x')).toEqual([
      { kind: 'text', text: 'thanks ' },
      { kind: 'mention', text: '@bob', self: false },
      { kind: 'text', text: '.' },
    ]);
    expect(mentionSegments('plain @bob', new Set(), 'x')).toEqual([
      { kind: 'text', text: 'plain @bob' },
    ]);
  });
});
