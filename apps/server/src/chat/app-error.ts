import { ERROR_CODES, type ErrorBody, type ErrorCode } from '@chat/shared';

/**
 * An error the client should see, with its protocol code. Anything else that
 * is thrown is reported as `internal` without details.
 */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'AppError';
  }

  get status(): number {
    return ERROR_CODES[this.code].status;
  }

  toBody(): ErrorBody {
    return this.retryAfterMs === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, retryAfterMs: this.retryAfterMs };
  }
}

/** The client-safe body of any error: AppErrors as they are, anything else as `internal`. */
export function toErrorBody(error: unknown): ErrorBody {
  if (error instanceof AppError) return error.toBody();
  if (error instanceof BackendUnavailableError) {
    return { code: 'unavailable', message: 'the server cannot reach its store; try again' };
  }
  return { code: 'internal', message: 'internal error' };
}

/** Thrown by a backend when Redis cannot be reached or does not answer in time. */
export class BackendUnavailableError extends Error {
  constructor(cause: unknown) {
    super('backend unavailable', { cause });
    this.name = 'BackendUnavailableError';
  }
}
