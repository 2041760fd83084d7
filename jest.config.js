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

/** @type {import('jest').Config} */
module.exports = {
  // A global option in Jest 30 (ignored inside a project).
  testTimeout: 30000,
  // Some suites leave handles open after their last test (to be found with
  // --detectOpenHandles); without this, Jest prints a warning and never exits,
  // and CI would hang instead of reporting. Every suite still awaits its own
  // teardown, so this only ends the process, it does not cut tests short.
  forceExit: true,
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
      transform: { '^.+\\.tsx?$': swc },
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
