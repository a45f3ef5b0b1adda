#!/usr/bin/env node
/*
 * `npm run test:browser`: starts the product as a newcomer would (`npm start`: backend,
 * app, simulators, demo data), waits until the demo is seeded and the app answers, runs
 * the browser test against it, then stops everything it started. Bounded in time.
 */
const { randomBytes } = require('node:crypto');
const { runAgainstDemo } = require('../lib/runAgainstDemo');

async function appAnswers() {
  try {
    return (
      await fetch('http://localhost:3000', {
        signal: AbortSignal.timeout(2000),
      })
    ).ok;
  } catch {
    return false;
  }
}

runAgainstDemo({
  name: 'browser',
  jestConfig: 'test/e2e/browser/jest.config.js',
  env: {
    IM_TOKEN: process.env.IM_TOKEN || randomBytes(32).toString('base64url'),
  },
  ready: appAnswers,
}).then(code => process.exit(code));
