import type { FastifyRequest } from 'fastify';
import { AppError } from '../chat/app-error';
import { requestToken } from '../chat/tokens';
import type { Accounts, Identity } from '../services/accounts';

/**
 * The caller's identity from `Authorization: Bearer <token>` or, without that
 * header, from the session cookie (cookie mode; its CSRF rule is checked
 * before routing, http/session-cookie.ts), or 401.
 */
export async function requireIdentity(
  accounts: Accounts,
  request: FastifyRequest,
): Promise<Identity> {
  const identity = await accounts.authenticate(requestToken(request.headers));
  if (!identity) throw new AppError('unauthorized', 'missing, unknown or revoked token');
  return identity;
}
