#!/usr/bin/env node
/*
 * Reads jest's --json results and fails unless tests ran, none failed, and tests ran
 * against PostgreSQL 15 (their names carry the database id from TestDatabases).
 * Prints the plain closing line 'N passed, N failed'.
 */
const fs = require('node:fs');

const file = process.argv[2];
if (!file || !fs.existsSync(file)) {
  console.error(`check-test-results: no jest results at ${file}`);
  process.exit(1);
}
const results = JSON.parse(fs.readFileSync(file, 'utf8'));
const assertions = results.testResults.flatMap(
  suite => suite.assertionResults ?? [],
);
const passed = assertions.filter(a => a.status === 'passed');
const failed = assertions.filter(a => a.status === 'failed');
const skipped = assertions.filter(
  a => a.status === 'pending' || a.status === 'skipped' || a.status === 'todo',
);
const postgres = passed.filter(a => /POSTGRES_15/.test(a.fullName));
const brokenSuites = results.testResults.filter(
  s => s.status === 'failed' && !(s.assertionResults ?? []).length,
);

let ok = true;
if (!passed.length) {
  console.error('check-test-results: no test passed');
  ok = false;
}
if (!postgres.length) {
  console.error('check-test-results: no test ran against POSTGRES_15');
  ok = false;
}
for (const suite of brokenSuites) {
  console.error(
    `check-test-results: suite failed to run: ${suite.name}\n${suite.message}`,
  );
  ok = false;
}
console.log(`Postgres tests passed: ${postgres.length}`);
console.log(
  `${passed.length} passed, ${failed.length} failed, ${skipped.length} skipped`,
);
process.exit(ok && failed.length === 0 ? 0 : 1);
