import fc from 'fast-check';

/*
 * Hostile inputs for the fuzz tests: strings with lone surrogates, NUL bytes,
 * direction overrides and markup; huge strings; deep nesting; objects whose
 * keys are prototype-pollution vectors; and field-shaped payloads that mix
 * valid values with all of these, so that fuzzing reaches past validation.
 */

/** Pieces that have broken parsers, encoders, loggers and renderers before. */
const NASTY_PIECES = [
  '\u0000',
  'a\u0000b',
  '\uD800', // lone high surrogate
  '\uDFFF', // lone low surrogate
  'x\uD83D', // truncated emoji
  '\uDE00y',
  '\u202E', // right-to-left override
  '\u202D',
  '\u2066\u2069',
  '\u200B', // zero width space
  '\uFEFF', // byte order mark
  '\u0301', // lone combining mark
  '😀',
  '👩‍👩‍👧',
  'مرحبا',
  '\r\n',
  '\u2028',
  '\t',
  ' ',
  '"',
  "'",
  '\\',
  '\\u0000',
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '${7*7}',
  '{{7*7}}',
  '%s%n',
  '%00',
  '../../',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'user:',
  'session:',
  '*',
  '{',
  '}',
  '-',
  '1-1',
  '0',
  'null',
  'undefined',
  'NaN',
] as const;

export const nastyPiece = fc.constantFrom(...NASTY_PIECES);

/** Short adversarial strings: nasty pieces glued to random text. */
export const nastyString: fc.Arbitrary<string> = fc
  .array(
    fc.oneof(
      { weight: 3, arbitrary: nastyPiece },
      { weight: 1, arbitrary: fc.string({ maxLength: 8 }) },
      { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 8 }) },
    ),
    { maxLength: 6 },
  )
  .map((pieces) => pieces.join(''));

/** Keys a payload object may carry: the protocol's fields, identity fields and pollution vectors. */
export const nastyKey = fc.oneof(
  fc.constantFrom(
    '__proto__',
    'constructor',
    'prototype',
    'toString',
    'valueOf',
    'hasOwnProperty',
    'userId',
    'username',
    'password',
    'token',
    'id',
    'name',
    'kind',
    'roomId',
    'text',
    'clientId',
    'typing',
    'messageId',
    'after',
    'before',
    'limit',
    'ok',
    'error',
  ),
  nastyString,
);

/** An object whose own properties are exactly `entries`, `__proto__` included. */
export function ownProperties(entries: [string, unknown][]): Record<string, unknown> {
  const object: Record<string, unknown> = {};
  for (const [key, value] of entries) {
    Object.defineProperty(object, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return object;
}

export interface Hostile {
  /** Strings around and far over the protocol's limits. */
  hugeString: fc.Arbitrary<string>;
  adversarialString: fc.Arbitrary<string>;
  /**
   * Any JSON value (plus Buffers, for socket payloads), with nasty strings
   * and keys, nested a few levels. Objects are built so `__proto__` and
   * `constructor` end up as own keys that JSON.stringify writes out.
   */
  nastyJson: fc.Arbitrary<unknown>;
  /** Valid message ids (`<digits>-<digits>`) and near-misses. */
  messageIdish: fc.Arbitrary<unknown>;
  /** A value for a field: usually a valid candidate, sometimes anything at all, sometimes absent. */
  field(valid: fc.Arbitrary<unknown>): fc.Arbitrary<unknown>;
  /** An object with these fields, each maybe broken, plus maybe extra keys. */
  shaped(fields: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<Record<string, unknown>>;
}

/**
 * The hostile arbitraries, with huge strings up to `maxHuge` characters (HTTP
 * bodies go past the 64 KiB limit; socket payloads stay under it, since a
 * bigger frame closes the connection, which limits.test.ts checks on its own)
 * and, for sockets, binary attachments.
 */
export function hostile({ maxHuge, binary }: { maxHuge: number; binary: boolean }): Hostile {
  const hugeString = fc
    .record({
      length: fc.constantFrom(
        ...[65, 129, 513, 4001, 8000, 40_000, 70_000].filter((n) => n <= maxHuge),
      ),
      fill: fc.constantFrom('a', ' ', '\u202E', '😀', '\u0000', '\uD800', 'é'),
    })
    .map(({ length, fill }) => fill.repeat(Math.ceil(length / fill.length)).slice(0, length));

  const adversarialString: fc.Arbitrary<string> = fc.oneof(
    { weight: 6, arbitrary: nastyString },
    { weight: 1, arbitrary: hugeString },
  );

  const scalar: fc.Arbitrary<unknown> = fc.oneof(
    adversarialString,
    fc.integer(),
    fc.double(),
    fc.constantFrom(0, -0, -1, 1e308, Number.MAX_SAFE_INTEGER + 2, true, false, null),
    ...(binary ? [fc.uint8Array({ maxLength: 32 }).map((bytes) => Buffer.from(bytes))] : []),
  );

  const nastyJson: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', maxDepth: 4 },
      scalar,
      fc.array(tie('value'), { maxLength: 4 }),
      fc
        .array(fc.tuple(nastyKey, tie('value')), { maxLength: 5 })
        .map((entries) => ownProperties(entries)),
    ),
  })).value;

  const messageIdish: fc.Arbitrary<unknown> = fc.oneof(
    fc
      .tuple(fc.bigInt({ min: 0n, max: 9_999_999_999_999_999n }), fc.integer({ min: 0, max: 99 }))
      .map(([ms, seq]) => `${ms}-${seq}`),
    fc.constantFrom(
      '0-0',
      '1-1',
      '9999999999999999-9999999999999999',
      '99999999999999999-0',
      '1-',
      '-1',
      '1--1',
      '1-1\n',
      ' 1-1',
      '1e3-0',
      '0x1-0',
      '１-１', // full-width digits
      '+',
      '-',
      '$',
      '(1',
    ),
    adversarialString,
    nastyJson,
  );

  const withExtras = (
    base: fc.Arbitrary<Record<string, unknown>>,
  ): fc.Arbitrary<Record<string, unknown>> =>
    fc
      .tuple(base, fc.array(fc.tuple(nastyKey, nastyJson), { maxLength: 3 }))
      .map(([object, extras]) => ownProperties([...Object.entries(object), ...extras]));

  const field = (valid: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> =>
    fc.oneof(
      { weight: 4, arbitrary: valid },
      { weight: 2, arbitrary: adversarialString },
      { weight: 1, arbitrary: nastyJson },
      { weight: 1, arbitrary: fc.constant(undefined) },
    );

  const shaped = (fields: Record<string, fc.Arbitrary<unknown>>) =>
    withExtras(
      fc.record(
        Object.fromEntries(Object.entries(fields).map(([key, valid]) => [key, field(valid)])),
      ) as fc.Arbitrary<Record<string, unknown>>,
    ).map((object) =>
      // A field left undefined is absent, as JSON would make it. fromEntries keeps `__proto__` an own key.
      Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)),
    );

  return { hugeString, adversarialString, nastyJson, messageIdish, field, shaped };
}

/** JSON texts that are deeply nested or carry pollution keys, written by hand (no recursion limit). */
export const hostileJsonText: fc.Arbitrary<string> = fc.oneof(
  fc.integer({ min: 1_000, max: 20_000 }).map((depth) => '['.repeat(depth) + ']'.repeat(depth)),
  fc
    .integer({ min: 1_000, max: 10_000 })
    .map((depth) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth)),
  fc.constantFrom(
    '{"__proto__":{"polluted":true}}',
    '{"constructor":{"prototype":{"polluted":true}}}',
    '{"name":"x","__proto__":{"polluted":true}}',
    '{"username":"abc","password":"longenough","__proto__":{"polluted":true}}',
    '{"a":{"__proto__":{"polluted":true}}}',
    '{"\\u005f_proto__":{"polluted":true}}',
    '[{"__proto__":{"polluted":true}}]',
    '{"__proto__":null}',
    '{"constructor":{"prototype":null}}',
    '{"name":"x","name":"y"}',
    '{"name":"\\ud800"}',
    '{"name":"\\u0000"}',
    '{"name":1e999}',
    '{"name":-0}',
    'null',
    'true',
    '"string"',
    '123',
    '[]',
    '{}',
    '',
    ' ',
    '{',
    '{"name":',
    "{'name':'x'}",
    '{"name":"x",}',
    '\uFEFF{"name":"x"}',
    'NaN',
  ),
);

/** A fresh, valid room or user id that exists nowhere. */
export const randomId = fc.uuid();

/** Valid usernames, to reach past validation now and then. */
export const validUsername = fc.stringMatching(/^[A-Za-z0-9_.-]{3,32}$/);
export const validPassword = fc
  .string({ minLength: 8, maxLength: 40 })
  .filter((password) => password.isWellFormed());

/** Percent-encodes every byte of a string's UTF-8 form except unreserved characters. */
export function encodePathSegment(value: string): string {
  return [...Buffer.from(value.toWellFormed(), 'utf8')]
    .map((byte) =>
      /[A-Za-z0-9._~-]/.test(String.fromCharCode(byte))
        ? String.fromCharCode(byte)
        : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`,
    )
    .join('');
}
