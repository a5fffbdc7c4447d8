/** Jest runs TypeScript through SWC: no type checking here (that is `npm run typecheck`), just fast transforms. */
const packages = ['core', 'gitlab', 'github', 'buildkite', 'jenkins', 'compose'];
module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  moduleNameMapper: {
    ...Object.fromEntries(packages.map((p) => [`^@polyci/${p}$`, `<rootDir>/packages/${p}/src/index.ts`])),
    '^polyci$': '<rootDir>/packages/cli/src/index.ts',
  },
  testMatch: ['<rootDir>/packages/*/src/**/*.test.ts', '<rootDir>/test/**/*.test.ts'],
  testTimeout: 120000,
};
