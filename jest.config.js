// Jest 30 with @swc/jest: types are stripped here and checked by `npm run typecheck`.
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', tsx: true },
      transform: { react: { runtime: 'automatic' } },
    },
  },
];

/*
 * PGlite's CommonJS build loads Node's built-ins with `import("fs")`, which Jest's module
 * sandbox refuses without --experimental-vm-modules. Compiled by swc like our own code,
 * those become `require` calls (compiled once, then cached by Jest).
 */
const pgliteUnderJest = {
  transform: { '/node_modules/@electric-sql/pglite/dist/.+\\.cjs$': ['@swc/jest', {}] },
  transformIgnorePatterns: ['/node_modules/(?!@electric-sql/pglite/)'],
};

/** @type {import('jest').Config} */
module.exports = {
  // A global option in Jest 30 (ignored inside a project).
  testTimeout: 30000,
  // Two suites at a time. Jest's default is one worker fewer than the cores: one worker on
  // CI's 2 cores, and most suites wait on processes and sockets rather than compute. Measured
  // on the 2-core development VM, `npx jest`: 860 s with one worker, 540 s with two, all green.
  maxWorkers: 2,
  // No forceExit: every suite closes what it opened, and Jest exits by itself.
  // A suite that leaves something running shows as "Jest did not exit"; find it
  // by running its files one at a time (an ioredis client left connecting and an
  // Engine.IO polling close left pending were the last two). .ci/run bounds the
  // whole run, so a leak fails CI instead of hanging it.
  projects: [
    {
      displayName: 'shared',
      testEnvironment: 'node',
      roots: ['<rootDir>/packages/shared/test'],
      transform: { '^.+\\.tsx?$': swc },
    },
    {
      displayName: 'server',
      testEnvironment: 'node',
      roots: ['<rootDir>/apps/server/test'],
      transform: { '^.+\\.tsx?$': swc, ...pgliteUnderJest.transform },
      transformIgnorePatterns: pgliteUnderJest.transformIgnorePatterns,
    },
    {
      displayName: 'web',
      testEnvironment: 'jsdom',
      roots: ['<rootDir>/apps/web/test'],
      testPathIgnorePatterns: ['/e2e/'],
      transform: { '^.+\\.tsx?$': swc },
    },
    {
      displayName: 'web-e2e',
      testEnvironment: 'node',
      roots: ['<rootDir>/apps/web/e2e'],
      transform: { '^.+\\.tsx?$': swc },
    },
  ],
};
