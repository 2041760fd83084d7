import type { FastifyRequest } from 'fastify';
import { AppError } from '../chat/app-error';
import { bearerToken } from '../chat/tokens';
import type { Accounts, Identity } from '../services/accounts';

/** The caller's identity from `Authorization: Bearer <token>`, or 401. */
export async function requireIdentity(
  accounts: Accounts,
  request: FastifyRequest,
): Promise<Identity> {
  const identity = await accounts.authenticate(bearerToken(request.headers.authorization));
  if (!identity) throw new AppError('unauthorized', 'missing, unknown or revoked token');
  return identity;
}
