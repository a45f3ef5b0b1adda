#!/usr/bin/env node
/*
 * `npm start`: the product with its demo, on an embedded PostgreSQL 15 whose data is kept in
 * .itsm-sync-dev/ (ITSM_SYNC_DEV_DIR moves it), beside the simulators' tickets and the
 * development encryption key, so what a user creates survives a restart.
 * `npm start -- --sqlite` keeps the data in SQLite files there instead.
 * `npm run reset` deletes it all for a clean slate.
 */
const { concurrently } = require('concurrently');
const { randomBytes } = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { startEmbeddedPostgres, freePort } = require('./lib/embeddedPostgres');
const { devDirectory } = require('./lib/devDirectory');

const root = path.resolve(__dirname, '..');
const sqlite = process.argv.includes('--sqlite');

/** Settings made once per data directory and kept: the port, the password, the key. */
async function devSettings(dir) {
  const file = path.join(dir, 'settings.json');
  if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, 'utf8'));
  const settings = {
    postgresPort: await freePort(),
    postgresPassword: randomBytes(18).toString('base64url'),
    encryptionKey: randomBytes(32).toString('base64'),
  };
  // Others may pass through (PostgreSQL runs as 'postgres' when started by root), not list.
  fs.mkdirSync(dir, { recursive: true, mode: 0o711 });
  fs.writeFileSync(file, JSON.stringify(settings, null, 2), { mode: 0o600 });
  return settings;
}

async function main() {
  const dir = devDirectory(root);
  const settings = await devSettings(dir);
  const env = {
    ...process.env,
    ITSM_SYNC_DEV_DIR: dir,
    ITSM_SYNC_ENCRYPTION_KEY:
      process.env.ITSM_SYNC_ENCRYPTION_KEY || settings.encryptionKey,
  };
  const configs = ['app-config.yaml'];
  let pg;
  if (sqlite) {
    configs.push('app-config.sqlite.yaml');
    console.log(
      `npm start: data in SQLite files under ${path.join(dir, 'sqlite')}`,
    );
  } else {
    const dataDir = path.join(dir, 'postgres');
    pg = await startEmbeddedPostgres({
      dataDir,
      port: settings.postgresPort,
      password: settings.postgresPassword,
      persistent: true,
    });
    env.ITSM_SYNC_DEV_DATABASE_PORT = String(pg.port);
    env.ITSM_SYNC_DEV_DATABASE_PASSWORD = pg.password;
    console.log(
      `npm start: embedded PostgreSQL 15 on 127.0.0.1:${pg.port}, data in ${dataDir} (npm run reset deletes it)`,
    );
  }
  const configArgs = configs
    .flatMap(c => ['--config', path.join(root, c)])
    .join(' ');
  try {
    // Ctrl-C reaches both through concurrently, which stops the other when one exits.
    const { result } = concurrently(
      [
        {
          command: `npm run start -w backend -- ${configArgs}`,
          name: 'backend',
          prefixColor: 'blue',
          env,
        },
        {
          command: 'npm run start -w app',
          name: 'app',
          prefixColor: 'green',
          env,
        },
      ],
      { cwd: root, killOthersOn: ['failure', 'success'] },
    );
    await result.catch(() => {
      process.exitCode = 1;
    });
  } finally {
    await pg?.stop();
  }
}

main().catch(error => {
  console.error(`npm start: ${error.message}`);
  process.exitCode = 1;
});
