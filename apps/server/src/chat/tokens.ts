import { createHash, randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { parse } from 'cookie';
import { SESSION_COOKIE } from '@chat/shared';

/** A new login token: 256 random bits, base64url. Only its hash is ever stored. */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** The form a token is stored and looked up in (hex SHA-256). */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** `Authorization: Bearer <token>` → token, or undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^Bearer\s+(\S{1,512})\s*$/i.exec(header);
  return match?.[1];
}

/** The token of the `chat_session` cookie in a `Cookie` header, or undefined. */
export function sessionCookieToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const token = parse(header)[SESSION_COOKIE];
  return token && token.length <= 512 ? token : undefined;
}

/**
 * The token a request authenticates with: `Authorization: Bearer` when that
 * header is present (the cookie is then ignored), the session cookie otherwise.
 */
export function requestToken(headers: IncomingHttpHeaders): string | undefined {
  if (headers.authorization !== undefined) return bearerToken(headers.authorization);
  return sessionCookieToken(headers.cookie);
}
