import { serialize } from 'cookie';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { SESSION_COOKIE, SESSION_MODE_COOKIE, SESSION_MODE_HEADER } from '@chat/shared';
import { AppError } from '../chat/app-error';
import { sessionCookieToken } from '../chat/tokens';

/*
 * Cookie mode (PROTOCOL.md): for a web app served from the API's own origin, the token lives in
 * an httpOnly, SameSite=Strict cookie that no script of the page can read. Bearer clients are
 * not affected: a request with an Authorization header is authenticated by it alone.
 */

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The request asks for cookie mode (`X-Chat-Session: cookie`). */
export function wantsCookieSession(request: FastifyRequest): boolean {
  return request.headers[SESSION_MODE_HEADER] === SESSION_MODE_COOKIE;
}

/** The request would be authenticated by the session cookie (it has no Authorization header). */
function cookieAuthenticated(request: FastifyRequest): boolean {
  return (
    request.headers.authorization === undefined &&
    sessionCookieToken(request.headers.cookie) !== undefined
  );
}

/**
 * CSRF defence, behind SameSite=Strict: a state-changing request in cookie mode (it carries the
 * session cookie and no Authorization header, or asks for cookie mode) must carry
 * `X-Chat-Session: cookie`, which a cross-site form cannot send and a cross-site script cannot
 * send without a CORS preflight, and an `Origin` of the CORS_ORIGIN list (exact match).
 * Otherwise 403 `forbidden`, before any route runs.
 */
export function guardCookieRequests(app: FastifyInstance, corsOrigins: readonly string[]): void {
  app.addHook('onRequest', async (request) => {
    if (SAFE_METHODS.has(request.method)) return;
    const asked = wantsCookieSession(request);
    if (!asked && !cookieAuthenticated(request)) return;
    if (!asked)
      throw new AppError(
        'forbidden',
        `a cookie-authenticated request needs ${SESSION_MODE_HEADER}`,
      );
    const origin = request.headers.origin;
    if (origin === undefined || !corsOrigins.includes(origin))
      throw new AppError('forbidden', 'a cookie-mode request needs an allowed Origin');
  });
}

/** Sets the session cookie: httpOnly, SameSite=Strict, Path=/, Secure over https. */
export function setSessionCookie(
  request: FastifyRequest,
  reply: FastifyReply,
  token: string,
  maxAgeSec: number,
): void {
  void reply.header('set-cookie', sessionCookie(request, token, maxAgeSec));
}

/** Removes the session cookie from the browser (logout, logout-all). */
export function clearSessionCookie(request: FastifyRequest, reply: FastifyReply): void {
  void reply.header('set-cookie', sessionCookie(request, '', 0));
}

/** `request.protocol` is https over TLS, or per X-Forwarded-Proto from a trusted proxy only. */
function sessionCookie(request: FastifyRequest, token: string, maxAgeSec: number): string {
  return serialize(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'strict',
    path: '/',
    secure: request.protocol === 'https',
    maxAge: maxAgeSec,
  });
}
