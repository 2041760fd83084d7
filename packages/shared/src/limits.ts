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
  /** HTTP request bodies above this get 413 payload_too_large. */
  httpBodyBytes: 64 * 1024,
} as const;

/** Usernames: letters, digits, `_`, `.` and `-`; unique regardless of case. */
export const USERNAME_PATTERN = /^[A-Za-z0-9_.-]+$/;
