// Runs the demo template test against an already started product (`npm start`):
//   npx jest -c test/e2e/template/jest.config.js
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
  testTimeout: 180_000,
};
