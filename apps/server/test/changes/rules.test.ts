import type { Message } from '@chat/shared';
import { MENTION_LOOKUPS_MAX, mentionedNames } from '../../src/chat/mentions';
import {
  addReaction,
  cutToCodePoints,
  deleteMessage,
  removeReaction,
  replySnapshot,
} from '../../src/chat/message-changes';

/*
 * The pure rules both MessageLog twins apply: a mistake here is a wrong state everywhere at
 * once (a reaction counted twice, a tombstone that keeps something, a snapshot that splits a
 * character, a mention of the wrong user, or unbounded lookups).
 */

const message: Message = {
  id: '1-0',
  roomId: 'r',
  userId: 'ann',
  username: 'Ann',
  text: 'hello',
  clientId: 'c',
  createdAt: '2026-12-02T00:00:00.000Z',
};

test('a tombstone keeps who and when, and nothing else', () => {
  const full: Message = {
    ...message,
    editedAt: 'x',
    mentions: ['bob'],
    reactions: [{ emoji: '👍', userIds: ['bob'] }],
    replyTo: { id: '0-1', userId: 'bob', username: 'Bob', text: 'q' },
  };
  expect(deleteMessage(full, { userId: 'bob', isRoomCreator: true })).toEqual({
    ...message,
    text: '',
    deleted: true,
  });
  expect(() => deleteMessage(full, { userId: 'bob', isRoomCreator: false })).toThrow(
    expect.objectContaining({ code: 'forbidden' }),
  );
});

test('reactions keep the order of first use and drop an emoji nobody holds any more', () => {
  const one = addReaction(message, { userId: 'bob', emoji: 'a' }) as Message;
  const two = addReaction(one, { userId: 'cy', emoji: 'b' }) as Message;
  const three = addReaction(two, { userId: 'cy', emoji: 'a' }) as Message;
  expect(three.reactions).toEqual([
    { emoji: 'a', userIds: ['bob', 'cy'] },
    { emoji: 'b', userIds: ['cy'] },
  ]);
  expect(addReaction(three, { userId: 'cy', emoji: 'a' })).toBe('unchanged');
  const back = removeReaction(two, { userId: 'bob', emoji: 'a' }) as Message;
  expect(back.reactions).toEqual([{ emoji: 'b', userIds: ['cy'] }]);
  expect(removeReaction(back, { userId: 'bob', emoji: 'a' })).toBe('unchanged');
  expect(removeReaction(back, { userId: 'cy', emoji: 'b' })).toEqual(message);
});

test('a reply snapshot cuts at 200 code points, never inside a surrogate pair', () => {
  expect(cutToCodePoints('😀'.repeat(201), 200)).toBe('😀'.repeat(200));
  expect(cutToCodePoints('ab', 200)).toBe('ab');
  expect(replySnapshot({ ...message, text: '', deleted: true })).toEqual({
    id: '1-0',
    userId: 'ann',
    username: 'Ann',
    text: '',
    deleted: true,
  });
});

test('mentions: @name not glued to a word, case-insensitive, trailing punctuation tried both ways, bounded', () => {
  expect(mentionedNames('hi @Bob, mail@example.com @ann. @x @a.b-')).toEqual([
    'bob',
    'ann.',
    'ann',
    'a.b-',
    'a.b',
  ]);
  const many = Array.from({ length: 50 }, (_, i) => `@user${i}`).join(' ');
  expect(mentionedNames(many)).toHaveLength(MENTION_LOOKUPS_MAX);
});
