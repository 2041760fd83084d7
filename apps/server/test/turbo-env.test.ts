import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ENV_VARIABLES } from '../src/config';

/*
 * Regression: turbo.json passed through 12 of the server's 26 variables, so
 * `SOCKET_EVENTS_PER_SEC=oops npm start` started happily with the default: in
 * strict env mode Turborepo strips every variable it is not told about before
 * it runs `dev` and `start`. Every documented variable must reach them.
 */

const root = path.join(__dirname, '..', '..', '..');
const turbo = JSON.parse(readFileSync(path.join(root, 'turbo.json'), 'utf8')) as {
  globalEnv?: string[];
  globalPassThroughEnv?: string[];
};
const sample = readFileSync(path.join(root, '.env.sample'), 'utf8');
/** Every variable .env.sample documents, set or commented out (`# NAME=`). */
const documented = [...sample.matchAll(/^(?:# )?([A-Z][A-Z0-9_]*)=/gm)].map((match) => match[1]!);

/** Turborepo's env patterns: a name, or a prefix ending in `*`. */
function passes(variable: string, patterns: string[]): boolean {
  return patterns.some((pattern) =>
    pattern.endsWith('*') ? variable.startsWith(pattern.slice(0, -1)) : variable === pattern,
  );
}

const reaching = [...(turbo.globalEnv ?? []), ...(turbo.globalPassThroughEnv ?? [])];

test.each(documented)('%s from .env.sample reaches `npm run dev` and `npm start`', (variable) => {
  expect(passes(variable, reaching)).toBe(true);
});

test('every variable the server reads is documented, so the check above covers it', () => {
  expect(documented).toEqual(expect.arrayContaining(ENV_VARIABLES.filter((v) => v !== 'NODE_ENV')));
  expect(passes('NODE_ENV', reaching)).toBe(true);
});

test('the pattern matcher is strict: a near name does not pass', () => {
  expect(passes('PORTS', ['PORT'])).toBe(false);
  expect(passes('REDIS_URL', ['REDIS_*'])).toBe(true);
});
