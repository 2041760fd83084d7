import { BackendUnavailableError } from '../chat/app-error';

/**
 * Runs a Redis call; any failure of the connection (refused, closed, timed
 * out) surfaces as BackendUnavailableError, which clients see as the
 * retryable `unavailable` error, never as a hang or a false success.
 */
export async function redisCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw new BackendUnavailableError(error);
  }
}
