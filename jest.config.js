/** Jest runs TypeScript through sucrase (test/support/sucrase-jest.js); type checking is `npm run typecheck`. */
const packages = ['core', 'gitlab', 'github', 'buildkite', 'jenkins', 'compose'];
module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': '<rootDir>/test/support/sucrase-jest.js' },
  moduleNameMapper: {
    ...Object.fromEntries(packages.map((p) => [`^@polyci/${p}$`, `<rootDir>/packages/${p}/src/index.ts`])),
    '^polyci$': '<rootDir>/packages/cli/src/index.ts',
  },
  testMatch: ['<rootDir>/packages/*/src/**/*.test.ts', '<rootDir>/test/**/*.test.ts'],
  // The bench's scratch copies of packages (git-ignored) must not shadow the real ones.
  modulePathIgnorePatterns: ['<rootDir>/bench/.work/'],
  // The real validators start JVMs and processes: generous, so a busy machine is slow, not red.
  testTimeout: 300000,
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
};
