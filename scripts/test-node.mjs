#!/usr/bin/env node
// `npm run test:node -- <major> [jest arguments]`: runs the Jest suite on another
// Node than the machine's, e.g. `npm run test:node -- 24 --selectProjects server shared`.
// The Node binary comes from the npm registry (the `node` package ships it), fetched
// once into npx's cache; nothing is installed globally. Build first (`npm run build`):
// the suites that start built servers run them on that same Node, since the npx
// environment puts it first on PATH and Jest's children use `process.execPath`.
// Not part of CI (.ci/run): CI runs the machine's Node 20.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const [major = '24', ...jestArgs] = process.argv.slice(2);
if (!/^\d+(\.\d+){0,2}$/.test(major)) {
  console.error(`test:node: "${major}" is not a Node version (try: npm run test:node -- 24)`);
  process.exit(2);
}
if (!existsSync(path.join(root, 'apps', 'server', 'dist', 'index.js'))) {
  console.error('test:node: build first (`npm run build`); the suite runs the built server too.');
  process.exit(2);
}

const jest = path.join(root, 'node_modules', 'jest', 'bin', 'jest.js');
const run = (args) =>
  spawnSync('npx', ['--yes', '-p', `node@${major}`, '--', 'node', ...args], {
    cwd: root,
    stdio: 'inherit',
  });

console.log(`test:node: Node ${major} from the npm registry (package "node@${major}")`);
const version = run(['--version']);
if (version.status !== 0) process.exit(version.status ?? 1);
const result = run([jest, ...jestArgs]);
process.exit(result.status ?? 1);
