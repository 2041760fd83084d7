import { NextResponse, type NextRequest } from 'next/server';
import { resolveServerUrl } from './lib/config';
import { contentSecurityPolicy } from './lib/csp';

/**
 * Sets a per-request nonce-based Content-Security-Policy on the page. Next
 * reads the nonce from the request's CSP header and puts it on its own
 * scripts; the page is dynamically rendered (app/page.tsx awaits
 * `connection()`), so every response gets a fresh nonce.
 */
export function proxy(request: NextRequest) {
  const nonce = Buffer.from(crypto.randomUUID()).toString('base64');
  const policy = contentSecurityPolicy({
    nonce,
    serverUrl: resolveServerUrl({
      CHAT_SERVER_URL: process.env.CHAT_SERVER_URL,
      NEXT_PUBLIC_SERVER_URL: process.env.NEXT_PUBLIC_SERVER_URL,
    }),
    dev: process.env.NODE_ENV === 'development',
  });

  const requestHeaders = new Headers(request.headers);
  requestHeaders.set('x-nonce', nonce);
  requestHeaders.set('Content-Security-Policy', policy);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set('Content-Security-Policy', policy);
  return response;
}

export const config = {
  matcher: [
    {
      // Pages only: not static files, the icon, or prefetches.
      source: '/((?!_next/static|_next/image|favicon.ico|icon.svg).*)',
      missing: [
        { type: 'header', key: 'next-router-prefetch' },
        { type: 'header', key: 'purpose', value: 'prefetch' },
      ],
    },
  ],
};
