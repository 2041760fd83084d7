import {
  compareMessageIds,
  createRoomSchema,
  credentialsSchema,
  emojiSchema,
  isMessageId,
  sendMessageSchema,
  ERROR_CODES,
} from '../src';

describe('shared schemas', () => {
  test('strip fields a client adds on its own, so identity can only come from the token', () => {
    const parsed = sendMessageSchema.parse({
      roomId: 'r',
      text: ' hi ',
      clientId: 'c',
      userId: 'someone-else',
    });
    expect(parsed).toEqual({ roomId: 'r', text: 'hi', clientId: 'c' });
  });

  test('apply the username rules', () => {
    const ok = (username: string) =>
      credentialsSchema.safeParse({ username, password: '12345678' }).success;
    expect(ok('abc')).toBe(true);
    expect(ok('a.b-c_D9')).toBe(true);
    expect(ok('ab')).toBe(false);
    expect(ok('x'.repeat(33))).toBe(false);
    expect(ok('no spaces')).toBe(false);
  });

  test('refuse NUL, which PostgreSQL cannot store, in everything the archive keeps', () => {
    const send = (text: string, clientId = 'c') =>
      sendMessageSchema.safeParse({ roomId: 'r', text, clientId });
    expect(send('a\u0000b').error?.issues[0]?.message).toBe('text must not contain NUL characters');
    expect(send('ok', 'c\u0000').success).toBe(false);
    expect(createRoomSchema.safeParse({ name: 'a\u0000' }).success).toBe(false);
    expect(emojiSchema.safeParse(':x\u0000:').success).toBe(false);
    // Other control characters are text like any other.
    expect(send('a\u0001b\u007fc').success).toBe(true);
  });
});

describe('message ids', () => {
  test('compare as <ms>-<seq> numbers', () => {
    expect(compareMessageIds('9-0', '10-0')).toBe(-1);
    expect(compareMessageIds('10-2', '10-10')).toBe(-1);
    expect(compareMessageIds('10-1', '10-1')).toBe(0);
    expect(compareMessageIds('11-0', '10-99')).toBe(1);
    expect(isMessageId('1732260000000-3')).toBe(true);
    expect(isMessageId('$')).toBe(false);
    expect(isMessageId('+')).toBe(false);
  });
});

test('every error code has an HTTP status', () => {
  expect(ERROR_CODES.invalid_input.status).toBe(400);
  expect(ERROR_CODES.payload_too_large.status).toBe(413);
  expect(ERROR_CODES.rate_limited.status).toBe(429);
});
