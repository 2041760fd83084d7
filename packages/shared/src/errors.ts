/**
 * Every error the server reports, over HTTP (`{ error: { code, message } }`)
 * and in Socket.IO acks (`{ ok: false, error: { code, message } }`).
 */
export const ERROR_CODES = {
  invalid_input: { status: 400, retryable: false },
  unauthorized: { status: 401, retryable: false },
  forbidden: { status: 403, retryable: false },
  not_found: { status: 404, retryable: false },
  conflict: { status: 409, retryable: false },
  payload_too_large: { status: 413, retryable: false },
  rate_limited: { status: 429, retryable: true },
  /** The server cannot reach its store or broker right now; nothing was stored. */
  unavailable: { status: 503, retryable: true },
  internal: { status: 500, retryable: true },
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface ErrorBody {
  code: ErrorCode;
  message: string;
  /** Present with `rate_limited`: how long to wait before trying again. */
  retryAfterMs?: number;
}

/** The body of every failed HTTP call. */
export interface ErrorResponse {
  error: ErrorBody;
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_CODES, value);
}
