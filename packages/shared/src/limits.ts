/**
 * Limits of protocol v1. Both sides enforce them: the server rejects anything
 * outside them with `invalid_input` (or `payload_too_large` for bodies), and
 * clients use them for inline validation.
 */
export const LIMITS = {
  usernameMin: 3,
  usernameMax: 32,
  passwordMin: 8,
  passwordMax: 128,
  roomNameMin: 1,
  roomNameMax: 64,
  /** Message text length after trimming, in UTF-16 code units. */
  textMin: 1,
  textMax: 4000,
  clientIdMin: 1,
  clientIdMax: 64,
  /** History page size: default and maximum. */
  historyDefault: 50,
  historyMax: 100,
  /** `GET /api/rooms` (extension): the largest `limit` accepted (the server may page smaller), and cursor length. */
  roomsLimitMax: 1000,
  roomsCursorMax: 100,
  /**
   * Protocol v1.1: the most messages a `room:join` ack carries in `missed` (the newest ones;
   * `complete: false` when more were missed) and in `updated`. The worst case stays well under
   * the default slow-consumer limit (MAX_SOCKET_BUFFER_BYTES, 4 MiB): a 4,000-character text
   * is at most 24,000 bytes of JSON (every character a control character escaped as \uXXXX;
   * other characters take at most 3 bytes of UTF-8), plus about 300 bytes of other fields, so
   * 100 messages are at most about 2.4 MB, and a common 4,000-character ASCII text 0.4 MB.
   */
  missedMax: 100,
  /** Protocol v1.1 `GET /api/search`: the query's length, and the page size (default and maximum). */
  searchQueryMin: 1,
  searchQueryMax: 200,
  searchDefault: 20,
  searchMax: 50,
  /** Protocol v1.1: a reply's snapshot of the text it answers, in characters (code points). */
  replyTextMax: 200,
  /** Protocol v1.1: an emoji is 1 to this many characters (code points), no white space. */
  emojiMax: 32,
  /** Protocol v1.1: distinct emoji on one message at most. */
  reactionsMax: 20,
  /** HTTP request bodies above this get 413 payload_too_large. */
  httpBodyBytes: 64 * 1024,
} as const;

/** Usernames: letters, digits, `_`, `.` and `-`; unique regardless of case. */
export const USERNAME_PATTERN = /^[A-Za-z0-9_.-]+$/;
