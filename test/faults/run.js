#!/usr/bin/env node
/*
 * The reliability suite (`npm run test:faults`): each *.test.ts file runs in its own node
 * process through Backstage's SWC transform, under node:test, one after the other (they
 * start real hub processes and would fight for the 2 cores side by side). An optional
 * argument filters files by name. Exit code is non-zero when any file fails.
 */
const { spawnSync } = require('node:child_process');
const { readdirSync } = require('node:fs');
const path = require('node:path');

const filter = process.argv[2];
const dirs = [__dirname, path.join(__dirname, 'badInput')];
const files = dirs
  .flatMap(dir =>
    readdirSync(dir)
      .filter(f => f.endsWith('.test.ts'))
      .map(f => path.join(dir, f)),
  )
  .filter(f => !filter || f.includes(filter))
  // Postgres restart goes last: it disturbs the shared server for everyone, so as briefly and late as possible.
  .sort(
    (a, b) =>
      Number(a.includes('postgresRestart')) -
        Number(b.includes('postgresRestart')) || a.localeCompare(b),
  );

const started = Date.now();
const failed = [];
for (const file of files) {
  const t = Date.now();
  console.log(`\n=== ${path.relative(process.cwd(), file)}`);
  const result = spawnSync(
    process.execPath,
    ['-r', '@backstage/cli/config/nodeTransform.cjs', file],
    {
      stdio: 'inherit',
      cwd: path.resolve(__dirname, '../..'),
      timeout: 6 * 60_000,
    },
  );
  const ok = result.status === 0;
  if (!ok) failed.push(path.basename(file));
  console.log(
    `=== ${ok ? 'passed' : 'FAILED'} ${path.basename(file)} in ${((Date.now() - t) / 1000).toFixed(1)} s`,
  );
}
console.log(
  `\nfaults: ${files.length - failed.length}/${files.length} files passed in ${((Date.now() - started) / 1000).toFixed(1)} s`,
);
if (failed.length) {
  console.log(`failed: ${failed.join(', ')}`);
  process.exitCode = 1;
}
if (!files.length) process.exitCode = 1;
