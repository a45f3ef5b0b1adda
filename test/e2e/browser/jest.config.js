// Runs the browser test against an already started portal (`npm start`):
//   npx jest -c test/e2e/browser/jest.config.js
module.exports = {
  rootDir: __dirname,
  testEnvironment: 'node',
  testMatch: ['<rootDir>/**/*.test.ts'],
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' } },
    ],
  },
  testTimeout: 120_000,
  // The suites share one demo (its conflict, its tickets): one at a time.
  maxWorkers: 1,
};
