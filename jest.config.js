/** Jest runs TypeScript through SWC (no type-checking here: `tsc --noEmit` is its own step). */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/__tests__'],
  testMatch: ['**/*.test.ts'],
  globalSetup: '<rootDir>/__tests__/global-setup.ts',
  setupFilesAfterEnv: ['<rootDir>/__tests__/setup.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  testTimeout: 60000,
  maxWorkers: 2,
};
