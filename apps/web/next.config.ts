import type { NextConfig } from 'next';

/*
 * Turbopack (the Next 16 default) transpiles the @chat/shared workspace
 * package by itself, so no transpilePackages entry is needed.
 *
 * The Content-Security-Policy is set per request in proxy.ts: it carries a
 * fresh nonce for Next's scripts and the chat server's URL, which is only
 * known at request time (CHAT_SERVER_URL). These headers go on everything.
 */
const securityHeaders = [
  { key: 'X-Content-Type-Options', value: 'nosniff' },
  { key: 'Referrer-Policy', value: 'no-referrer' },
  { key: 'X-Frame-Options', value: 'DENY' },
  { key: 'Cross-Origin-Opener-Policy', value: 'same-origin' },
  {
    key: 'Permissions-Policy',
    value: 'camera=(), microphone=(), geolocation=(), payment=(), usb=()',
  },
];

const nextConfig: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  async headers() {
    return [{ source: '/:path*', headers: securityHeaders }];
  },
};

export default nextConfig;
