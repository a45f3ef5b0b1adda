#!/usr/bin/env node
/*
 * `npm test`: Backstage's repo test runner (arguments are passed on), with PostgreSQL found for
 * the POSTGRES_15 tests. A BACKSTAGE_TEST_DATABASE_POSTGRES*_CONNECTION_STRING that is set wins;
 * else a working Docker engine is left to Backstage's TestDatabases; else one embedded
 * PostgreSQL 15 runs for the whole run and is stopped at the end, also on failure or Ctrl-C.
 * So the Postgres tests run on every machine and never silently skip.
 *
 * `*.timing.test.ts` files compare latencies (the tarpit beside a healthy vendor): beside the
 * whole suite's parallel workers they would measure the machine, so they run only in
 * `npm run test:security`, which sets ITSM_SYNC_TIMING_TESTS.
 */
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { startEmbeddedPostgres } = require('./lib/embeddedPostgres');

const CONNECTION_VARIABLE =
  'BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING';

const hasConnectionString = () =>
  Object.keys(process.env).some(
    k =>
      /^BACKSTAGE_TEST_DATABASE_POSTGRES\d+_CONNECTION_STRING$/.test(k) &&
      process.env[k],
  );

function dockerEngineAnswers() {
  if (process.env.BACKSTAGE_TEST_DISABLE_DOCKER) return false;
  const probe = spawnSync(
    'docker',
    ['info', '--format', '{{.ServerVersion}}'],
    { stdio: 'ignore', timeout: 10_000 },
  );
  return probe.status === 0;
}

function runJest(env) {
  const cli = require.resolve('@backstage/cli/bin/backstage-cli');
  const child = spawn(
    process.execPath,
    [
      cli,
      'repo',
      'test',
      ...process.argv.slice(2),
      // Last: an array option would take the paths that follow it as its own values.
      ...(env.ITSM_SYNC_TIMING_TESTS
        ? []
        : [
            '--testPathIgnorePatterns=/node_modules/',
            '--testPathIgnorePatterns=\\.timing\\.test\\.ts$',
          ]),
    ],
    {
      stdio: 'inherit',
      // Backstage's test runner watches unless CI is set.
      env: { ...env, CI: env.CI || '1' },
    },
  );
  const forward = signal => child.kill(signal);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  return new Promise(resolve => {
    child.on('exit', (code, signal) =>
      resolve(code ?? (signal ? 128 + (os.constants.signals[signal] ?? 1) : 1)),
    );
  });
}

async function main() {
  if (hasConnectionString() || dockerEngineAnswers()) {
    process.exitCode = await runJest(process.env);
    return;
  }
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'itsm-sync-test-pg-'));
  console.log(
    'npm test: no PostgreSQL connection string and no container engine; starting an embedded PostgreSQL 15',
  );
  const pg = await startEmbeddedPostgres({
    dataDir,
    persistent: false,
    fast: true,
  });
  console.log(
    `npm test: embedded PostgreSQL 15 on 127.0.0.1:${pg.port} (data in ${dataDir}, deleted at the end)`,
  );
  try {
    process.exitCode = await runJest({
      ...process.env,
      [CONNECTION_VARIABLE]: pg.connectionString,
      BACKSTAGE_TEST_DISABLE_DOCKER: '1',
    });
  } finally {
    await pg.stop(); // deletes the data directory too (persistent: false)
  }
}

main().catch(error => {
  console.error(`npm test: ${error.message}`);
  process.exitCode = 1;
});
