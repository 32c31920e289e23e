// @swc/jest transpiles TypeScript (and the ESM-only @middy packages) to CommonJS in milliseconds;
// type checking runs separately as `tsc --noEmit` inside `npm test`.
const transform = { '^.+\\.(t|j)sx?$': ['@swc/jest'] };
const transformIgnorePatterns = ['/node_modules/(?!(@middy|jose)/)'];
const common = { transform, transformIgnorePatterns, testEnvironment: 'node' };

/**
 * Per-project timeouts: Jest 30 ignores `testTimeout` inside a project, so each project sets its own
 * with jest.setTimeout in a setup file (test/support/timeouts.ts), which does apply.
 * @type {import('jest').Config}
 */
module.exports = {
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/test/unit/**/*.test.ts', '<rootDir>/test/contracts/**/*.test.ts'],
      setupFilesAfterEnv: ['<rootDir>/test/support/timeouts/unit.ts'],
    },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
      // Runs only when an integration test is selected: starts DynamoDB Local once for the run.
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
      setupFilesAfterEnv: ['<rootDir>/test/support/timeouts/integration.ts'],
    },
    {
      ...common,
      displayName: 'infra',
      testMatch: ['<rootDir>/test/infra/**/*.test.ts'],
      setupFilesAfterEnv: ['<rootDir>/test/support/timeouts/infra.ts', '<rootDir>/test/support/cdk-outdir.ts'],
    },
  ],
};
