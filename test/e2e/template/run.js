#!/usr/bin/env node
/*
 * `npm run test:template`: starts the product as a newcomer would (`npm start`), waits until
 * the demo is seeded, runs the demo software template through the scaffolder's REST API
 * (openIncident.test.ts) and checks the demo's owner notification (demoNotifications.test.ts),
 * then stops everything it started. Run it as
 * `flock /tmp/ports.lock npm run test:template` where others share ports 7007 and 3000.
 */
const { runAgainstDemo } = require('../lib/runAgainstDemo');

runAgainstDemo({
  name: 'template',
  jestConfig: 'test/e2e/template/jest.config.js',
}).then(code => process.exit(code));
