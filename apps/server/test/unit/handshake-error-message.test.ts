import { AppError, BackendUnavailableError } from '../../src/chat/app-error';
import { handshakeErrorMessage } from '../../src/socket/admission';
import { HandshakeRefused } from '../../src/socket/handshake-guard';

// A client drops its token on `unauthorized` (apps/web logs the user out), so only a token that
// is not live may read as one; every other refusal is one the client retries.

test('a token that is not live is unauthorized', () => {
  expect(handshakeErrorMessage(new AppError('unauthorized', 'unauthorized'))).toBe('unauthorized');
});

test('an unreachable backend is unavailable, whether it surfaced as a connection error or as an AppError', () => {
  expect(handshakeErrorMessage(new BackendUnavailableError(new Error('ECONNREFUSED')))).toBe(
    'unavailable',
  );
  expect(
    handshakeErrorMessage(new AppError('unavailable', 'the Redis node is not known yet')),
  ).toBe('unavailable');
});

test('a connection limit keeps its own message', () => {
  expect(handshakeErrorMessage(new HandshakeRefused('rate_limited'))).toBe('rate_limited');
});

test('an unexpected error is internal, never unauthorized', () => {
  expect(
    handshakeErrorMessage(new TypeError("Cannot read properties of undefined (reading 'id')")),
  ).toBe('internal');
  expect(handshakeErrorMessage('a thrown string')).toBe('internal');
});
