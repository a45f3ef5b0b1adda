#!/usr/bin/env node
/*
 * `npm run reset`: deletes what `npm start` kept (embedded PostgreSQL data, SQLite files, the
 * simulators' tickets, the development encryption key), so the next start is a clean demo.
 */
const fs = require('node:fs');
const path = require('node:path');
const { devDirectory } = require('./lib/devDirectory');
const { runningServerPid } = require('./lib/embeddedPostgres');

const dir = devDirectory(path.resolve(__dirname, '..'));
const pid = runningServerPid(path.join(dir, 'postgres'));
if (pid) {
  console.error(
    `npm run reset: the embedded PostgreSQL (pid ${pid}) is running; stop npm start first`,
  );
  process.exit(1);
}
fs.rmSync(dir, { recursive: true, force: true });
console.log(
  `npm run reset: deleted ${dir}; the next npm start begins with a fresh demo`,
);
