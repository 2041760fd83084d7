import path from 'node:path';

/** The repository's root (this file runs from packages/testkit/dist). */
export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');

/** The built server's entry point (`npm run build` makes it). */
export const SERVER_ENTRY = path.join(REPO_ROOT, 'apps', 'server', 'dist', 'index.js');

/** The built archiver's entry point (`npm run build` makes it). */
export const ARCHIVER_ENTRY = path.join(REPO_ROOT, 'apps', 'archiver', 'dist', 'index.js');

/** The nginx configuration template that deploy/ ships. */
export const NGINX_TEMPLATE = path.join(REPO_ROOT, 'deploy', 'nginx.conf.template');

export const WEB_DIR = path.join(REPO_ROOT, 'apps', 'web');

export const NEXT_BIN = path.join(REPO_ROOT, 'node_modules', 'next', 'dist', 'bin', 'next');
