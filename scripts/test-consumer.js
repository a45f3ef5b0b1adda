#!/usr/bin/env node
/*
 * `npm run test:consumer`: installs the hub into a new Backstage the way the README tells a
 * platform team to, with the packages as they would be published.
 *
 *  1. builds every published package (`backstage-cli repo build`) and packs it (`npm pack`,
 *     which runs Backstage's prepack: main/types from publishConfig, config.schema.json);
 *  2. checks each tarball: no `private`, the entry points and types it names are inside,
 *     the backend's migrations and config schema, the CLI's bin without its sources;
 *  3. creates a Backstage backend and app in a temporary directory outside this repository
 *     (its own package.json files on @backstage/backend-defaults and the frontend app
 *     packages, at this repository's locked versions), then runs the README's
 *     "Installing into your own Backstage" steps, read from README.md: the install command
 *     (the tarballs in place of the registry, all in one `npm install`), the backend lines,
 *     the app-config block and App.tsx;
 *  4. starts that backend on an embedded PostgreSQL 15 and checks that
 *     /api/itsm-sync/v1/connectors lists the four connectors, and that the migrations applied
 *     are those shipped in the installed package;
 *  5. installs the CLI tarball globally into a temporary prefix and runs `im --help` and the
 *     README's `im` command against that backend;
 *  6. builds the app and checks that the bundle holds the plugin's pages and entity card.
 *
 * KEEP_CONSUMER=1 keeps the temporary directory for a look afterwards.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawn } = require('node:child_process');
const { randomBytes } = require('node:crypto');
const { startEmbeddedPostgres, freePort } = require('./lib/embeddedPostgres');
const {
  readMarkedBlocks,
  parseInstall,
  parseBackend,
  parseCli,
} = require('./lib/readmeInstall');

const ROOT = path.resolve(__dirname, '..');
const README = path.join(ROOT, 'README.md');

/** The packages published to npm, by directory. */
const PUBLISHED = [
  'plugins/itsm-sync-common',
  'plugins/itsm-sync-node',
  'plugins/itsm-sync-backend',
  'plugins/itsm-sync-backend-module-servicenow',
  'plugins/itsm-sync-backend-module-jira',
  'plugins/itsm-sync-backend-module-pagerduty',
  'plugins/itsm-sync-backend-module-webhook',
  'plugins/itsm-sync',
  'plugins/scaffolder-backend-module-itsm-sync',
  'plugins/itsm-sync-backend-module-notifications',
  'packages/cli',
];
const SCOPE = '@itsm-sync-hub/';
const CONNECTOR_TYPES = ['servicenow', 'jira', 'pagerduty', 'itsm-webhook'];

const started = Date.now();
const checks = [];
const log = message =>
  console.log(
    `test:consumer [${Math.round((Date.now() - started) / 1000)}s] ${message}`,
  );
function check(condition, what, detail) {
  if (!condition)
    throw new Error(`check failed: ${what}${detail ? `\n${detail}` : ''}`);
  checks.push(what);
  log(`ok: ${what}`);
}

/** Runs a command with its output in a log file; rejects with the log's tail when it fails. */
function run(
  command,
  args,
  { cwd, env = process.env, logFile, timeoutMs = 30 * 60_000 },
) {
  return new Promise((resolve, reject) => {
    const out = fs.openSync(logFile, 'a');
    fs.writeSync(out, `\n$ ${command} ${args.join(' ')}   (in ${cwd})\n`);
    const child = spawn(command, args, {
      cwd,
      env,
      stdio: ['ignore', out, out],
      detached: true,
    });
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {}
    }, timeoutMs);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      fs.closeSync(out);
      if (code === 0) return resolve();
      const tail = fs
        .readFileSync(logFile, 'utf8')
        .split('\n')
        .slice(-40)
        .join('\n');
      reject(
        new Error(
          `${command} ${args.join(' ')} failed (${signal ?? `exit ${code}`}) in ${cwd}; log ${logFile}:\n${tail}`,
        ),
      );
    });
  });
}

/** Runs a command and answers its exit code and output (for the CLI checks). */
function capture(command, args, { cwd, env }) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', d => (stdout += d));
    child.stderr.on('data', d => (stderr += d));
    child.on('error', reject);
    child.on('exit', code => resolve({ code, stdout, stderr }));
  });
}

const readJson = file => JSON.parse(fs.readFileSync(file, 'utf8'));
const writeJson = (file, value) => {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
};
const writeText = (file, text) => {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
};

/** The version of a registry package in this repository's lockfile, so the consumer installs the same. */
function lockedVersion(name) {
  const { packages } = readJson(path.join(ROOT, 'package-lock.json'));
  if (packages[`node_modules/${name}`]?.version)
    return packages[`node_modules/${name}`].version;
  // Not hoisted (several versions in the tree): the one most packages here use.
  const counts = {};
  for (const [key, entry] of Object.entries(packages)) {
    if (key.endsWith(`/node_modules/${name}`) && entry.version)
      counts[entry.version] = (counts[entry.version] ?? 0) + 1;
  }
  const [version] = Object.entries(counts).sort((a, b) => b[1] - a[1])[0] ?? [];
  if (!version) throw new Error(`${name} is not in package-lock.json`);
  return version;
}

/** A tarball's file list and its package.json. */
async function tarballContents(tarball, logFile) {
  const listFile = `${tarball}.list`;
  await run('sh', ['-c', `tar -tzf "${tarball}" > "${listFile}"`], {
    cwd: path.dirname(tarball),
    logFile,
  });
  const files = fs
    .readFileSync(listFile, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map(f => f.replace(/^package\//, ''));
  fs.rmSync(listFile);
  const extractDir = `${tarball}.pkg`;
  fs.mkdirSync(extractDir, { recursive: true });
  await run(
    'tar',
    ['-xzf', tarball, '-C', extractDir, 'package/package.json'],
    { cwd: path.dirname(tarball), logFile },
  );
  const manifest = readJson(path.join(extractDir, 'package', 'package.json'));
  fs.rmSync(extractDir, { recursive: true, force: true });
  return { files, manifest };
}

function checkTarball(dir, { files, manifest }) {
  const name = manifest.name;
  const has = f => files.includes(f.replace(/^\.\//, ''));
  check(!manifest.private, `${name}: not private`);
  check(
    manifest.license === 'Apache-2.0' && manifest.repository?.directory === dir,
    `${name}: license and repository`,
  );
  check(
    has('README.md') && has('CHANGELOG.md'),
    `${name}: README.md and CHANGELOG.md in the tarball`,
  );
  check(
    !files.some(f => f.startsWith('src/')),
    `${name}: no sources in the tarball`,
  );
  for (const field of ['main', 'module', 'types']) {
    if (manifest[field]) {
      check(
        /^(\.\/)?dist\//.test(manifest[field]) && has(manifest[field]),
        `${name}: ${field} ${manifest[field]} is in the tarball`,
      );
    }
  }
  for (const [entry, target] of Object.entries(manifest.exports ?? {})) {
    for (const file of typeof target === 'string'
      ? [target]
      : Object.values(target)) {
      check(has(file), `${name}: export ${entry} -> ${file} is in the tarball`);
    }
  }
  const role = manifest.backstage?.role;
  if (
    role === 'backend-plugin-module' &&
    manifest.backstage.pluginId === 'itsm-sync'
  ) {
    check(
      manifest.backstage.pluginPackage === `${SCOPE}plugin-itsm-sync-backend`,
      `${name}: backstage.pluginPackage names the backend plugin`,
    );
  }
  if (manifest.backstage?.pluginPackages) {
    check(
      manifest.backstage.pluginPackages.includes(`${SCOPE}plugin-itsm-sync`),
      `${name}: the plugin family lists the frontend plugin`,
    );
  }
  if (dir === 'plugins/itsm-sync-backend') {
    const shipped = fs
      .readdirSync(path.join(ROOT, dir, 'migrations'))
      .filter(f => f.endsWith('.js'));
    check(
      shipped.every(f => has(`migrations/${f}`)),
      `${name}: all ${shipped.length} migrations in the tarball`,
    );
    check(
      manifest.configSchema === 'config.schema.json' &&
        has('config.schema.json'),
      `${name}: config schema (from config.d.ts) in the tarball`,
    );
  }
  if (role === 'cli') {
    check(
      has('bin/im') &&
        has('dist/index.cjs.js') &&
        manifest.bin?.im === 'bin/im',
      `${name}: bin/im and dist/index.cjs.js`,
    );
  }
}

async function main() {
  const tmp = fs.realpathSync(
    fs.mkdtempSync(path.join(os.tmpdir(), 'itsm-sync-consumer-')),
  );
  if (tmp.startsWith(`${ROOT}${path.sep}`))
    throw new Error(`${tmp} is inside the repository`);
  const logs = path.join(tmp, 'logs');
  fs.mkdirSync(logs);
  const cleanups = [];
  let failed = false;
  const onSignal = () => {
    failed = true;
    Promise.allSettled(cleanups.reverse().map(fn => fn())).then(() =>
      process.exit(130),
    );
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  log(`working in ${tmp} (logs in ${logs})`);
  try {
    await consumerTest(tmp, logs, cleanups);
  } catch (error) {
    failed = true;
    throw error;
  } finally {
    for (const fn of cleanups.reverse())
      await fn().catch(e => log(`cleanup: ${e.message}`));
    if (process.env.KEEP_CONSUMER === '1' || failed) log(`kept ${tmp}`);
    else {
      log(
        `removing ${tmp} (about 1 GB of node_modules; a minute or two on a slow disk)`,
      );
      fs.rmSync(tmp, { recursive: true, force: true });
      log('removed');
    }
  }
}

async function consumerTest(tmp, logs, cleanups) {
  // --- the README's steps ----------------------------------------------------------------
  const blocks = readMarkedBlocks(README);
  const install = parseInstall(blocks.install.code);
  const backendLines = parseBackend(blocks.backend.code);
  const cli = parseCli(blocks.cli.code);
  log(
    `README: install ${JSON.stringify(install)}; backend adds ${backendLines.packages.length} features; cli ${cli.globalPackages.join(' ')}, then im ${cli.imCommands.map(c => c.join(' ')).join('; im ')}`,
  );
  check(
    Object.keys(install).sort().join() === 'packages/app,packages/backend',
    'README installs into packages/backend and packages/app',
  );
  check(
    backendLines.packages.every(p => install['packages/backend'].includes(p)),
    'README: every package the backend adds is installed in packages/backend',
  );

  // --- build and pack ----------------------------------------------------------------------
  log(
    'building: tsc (declarations), then backstage-cli repo build (every non-bundled package)',
  );
  await run('npx', ['tsc'], {
    cwd: ROOT,
    logFile: path.join(logs, 'build.log'),
  });
  await run('npx', ['backstage-cli', 'repo', 'build'], {
    cwd: ROOT,
    logFile: path.join(logs, 'build.log'),
  });
  const tarballDir = path.join(tmp, 'tarballs');
  fs.mkdirSync(tarballDir);
  log('packing: npm pack of each published package');
  const packJson = path.join(logs, 'pack.json');
  await run(
    'sh',
    [
      '-c',
      `npm pack --json --pack-destination "${tarballDir}" ${PUBLISHED.map(d => `-w ${d}`).join(' ')} > "${packJson}"`,
    ],
    {
      cwd: ROOT,
      logFile: path.join(logs, 'pack.log'),
    },
  );
  const packed = readJson(packJson);
  check(
    packed.length === PUBLISHED.length,
    `npm pack made ${PUBLISHED.length} tarballs`,
  );
  const tarballs = {};
  const dirByName = Object.fromEntries(
    PUBLISHED.map(d => [readJson(path.join(ROOT, d, 'package.json')).name, d]),
  );
  for (const entry of packed) {
    const file = path.join(tarballDir, entry.filename);
    tarballs[entry.name] = file;
    const contents = await tarballContents(file, path.join(logs, 'pack.log'));
    checkTarball(dirByName[entry.name], contents);
    console.log(
      `    ${entry.filename}  ${(entry.size / 1024).toFixed(0)} kB, ${entry.entryCount} files`,
    );
  }
  for (const dir of PUBLISHED) {
    check(
      readJson(path.join(ROOT, dir, 'package.json')).main === 'src/index.ts',
      `${dir}: package.json restored after pack (main src/index.ts for the monorepo)`,
    );
  }

  // --- a new Backstage, outside the repository ---------------------------------------------
  const consumer = path.join(tmp, 'my-backstage');
  const backendDir = path.join(consumer, 'packages', 'backend');
  const appDir = path.join(consumer, 'packages', 'app');
  const v = name => lockedVersion(name);
  writeJson(path.join(consumer, 'package.json'), {
    name: 'my-backstage',
    version: '1.0.0',
    private: true,
    engines: { node: '20 || 22 || 24' },
    workspaces: ['packages/*'],
    devDependencies: {
      '@backstage/cli': v('@backstage/cli'),
      '@backstage/cli-defaults': v('@backstage/cli-defaults'),
      // backstage-cli's optional test peers, as a create-app project has them.
      jest: v('jest'),
      'jest-environment-jsdom': v('jest-environment-jsdom'),
      jsdom: v('jsdom'),
    },
    overrides: { '@yarnpkg/core': '4.9.1' },
    allowScripts: readJson(path.join(ROOT, 'package.json')).allowScripts,
  });
  const backendPackage = {
    name: 'backend',
    version: '1.0.0',
    private: true,
    main: 'dist/index.cjs.js',
    types: 'src/index.ts',
    backstage: { role: 'backend' },
    scripts: {
      start: 'backstage-cli package start',
      build: 'backstage-cli package build',
    },
    dependencies: {
      '@backstage/backend-defaults': v('@backstage/backend-defaults'),
      '@backstage/plugin-catalog-backend': v(
        '@backstage/plugin-catalog-backend',
      ),
      pg: v('pg'),
    },
  };
  writeText(
    path.join(backendDir, 'src', 'index.ts'),
    [
      "import { createBackend } from '@backstage/backend-defaults';",
      '',
      'const backend = createBackend();',
      "backend.add(import('@backstage/plugin-catalog-backend'));",
      '',
      ...backendLines.statements,
      '',
      'backend.start();',
      '',
    ].join('\n'),
  );
  const appPackage = {
    name: 'app',
    version: '1.0.0',
    private: true,
    bundled: true,
    backstage: { role: 'frontend' },
    scripts: {
      start: 'backstage-cli package start',
      build: 'backstage-cli package build',
    },
    dependencies: {
      '@backstage/cli': v('@backstage/cli'),
      '@backstage/frontend-defaults': v('@backstage/frontend-defaults'),
      '@backstage/plugin-catalog': v('@backstage/plugin-catalog'),
      '@backstage/ui': v('@backstage/ui'),
      react: v('react'),
      'react-dom': v('react-dom'),
      'react-router-dom': v('react-router-dom'),
    },
    browserslist: {
      production: ['>0.2%', 'not dead', 'not op_mini all'],
      development: [
        'last 1 chrome version',
        'last 1 firefox version',
        'last 1 safari version',
      ],
    },
  };
  writeText(
    path.join(appDir, 'public', 'index.html'),
    '<!DOCTYPE html>\n<html lang="en">\n  <head>\n    <meta charset="utf-8" />\n    <title><%= config.getString(\'app.title\') %></title>\n  </head>\n  <body>\n    <div id="root"></div>\n  </body>\n</html>\n',
  );
  writeText(
    path.join(appDir, 'src', 'index.tsx'),
    "import '@backstage/cli/asset-types';\nimport '@backstage/ui/css/styles.css';\nimport ReactDOM from 'react-dom/client';\nimport app from './App';\n\nReactDOM.createRoot(document.getElementById('root')!).render(app);\n",
  );
  writeText(path.join(appDir, 'src', 'App.tsx'), `${blocks.app.code}\n`);
  writeJson(path.join(consumer, 'tsconfig.json'), {
    extends: '@backstage/cli/config/tsconfig.json',
    include: ['packages/*/src'],
    exclude: ['node_modules'],
    compilerOptions: { outDir: 'dist-types', rootDir: '.', jsx: 'react-jsx' },
  });

  // The README's install step, with each package's tarball in place of the registry. The
  // family's own dependencies (common, node) are not on the registry either, so their
  // tarballs go into the same install; so do the optional scaffolder and notifications
  // modules, to prove they install and load.
  const packageJsons = {
    'packages/backend': backendPackage,
    'packages/app': appPackage,
  };
  const familyDeps = name =>
    Object.keys(
      readJson(path.join(ROOT, dirByName[name], 'package.json')).dependencies ??
        {},
    ).filter(d => d.startsWith(SCOPE));
  for (const [workspace, names] of Object.entries(install)) {
    const wanted = new Set(names);
    if (workspace === 'packages/backend') {
      wanted.add(`${SCOPE}plugin-scaffolder-backend-module-itsm-sync`);
      wanted.add(`${SCOPE}plugin-itsm-sync-backend-module-notifications`);
    }
    for (const name of [...wanted])
      for (const dep of familyDeps(name)) wanted.add(dep);
    for (const name of wanted) {
      if (!tarballs[name])
        throw new Error(
          `README installs ${name}, which is not a published package`,
        );
      packageJsons[workspace].dependencies[name] = `file:${tarballs[name]}`;
    }
    log(
      `${workspace}: ${[...wanted].map(n => path.basename(tarballs[n])).join(', ')}`,
    );
  }
  writeJson(path.join(backendDir, 'package.json'), backendPackage);
  writeJson(path.join(appDir, 'package.json'), appPackage);

  const backendPort = await freePort();
  const appPort = await freePort();
  const pgPassword = randomBytes(18).toString('base64url');
  writeText(
    path.join(consumer, 'app-config.yaml'),
    [
      '# The Backstage this test installs into: its own base config.',
      'app:',
      '  title: My Backstage',
      `  baseUrl: http://127.0.0.1:${appPort}`,
      'organization:',
      '  name: My Company',
      'backend:',
      `  baseUrl: http://127.0.0.1:${backendPort}`,
      '  listen:',
      '    host: 127.0.0.1',
      `    port: ${backendPort}`,
      '  database:',
      '    client: pg',
      '    connection:',
      '      host: 127.0.0.1',
      '      port: ${POSTGRES_PORT}',
      '      user: postgres',
      '      password: ${POSTGRES_PASSWORD}',
      'catalog:',
      '  locations: []',
      '',
    ].join('\n'),
  );
  // The README's configuration block, as its own file beside the base config (Backstage
  // merges the --config files in order).
  writeText(
    path.join(consumer, 'app-config.itsm-sync.yaml'),
    `${blocks['app-config'].code}\n`,
  );
  const configArgs = [
    '--config',
    '../../app-config.yaml',
    '--config',
    '../../app-config.itsm-sync.yaml',
  ];

  log(
    'npm install in the new Backstage (one install: registry packages at the locked versions, our tarballs)',
  );
  await run('npm', ['install', '--no-audit', '--no-fund'], {
    cwd: consumer,
    logFile: path.join(logs, 'consumer-install.log'),
  });
  const lock = readJson(path.join(consumer, 'package-lock.json'));
  for (const name of Object.keys(tarballs).filter(n => n !== `${SCOPE}cli`)) {
    // Where npm placed it: hoisted to node_modules/, or under the workspace that asked for it.
    const places = Object.keys(lock.packages).filter(
      p => p === `node_modules/${name}` || p.endsWith(`/node_modules/${name}`),
    );
    const entries = places.map(p => lock.packages[p]);
    check(
      places.length === 1 &&
        entries[0].resolved?.startsWith('file:') &&
        entries[0].resolved.endsWith(path.basename(tarballs[name])) &&
        !fs.lstatSync(path.join(consumer, places[0])).isSymbolicLink(),
      `${name} installed once, from ${path.basename(tarballs[name])} (${places.join(', ')})`,
      JSON.stringify(
        Object.fromEntries(places.map((p, i) => [p, entries[i]])),
        null,
        2,
      ),
    );
  }

  const testOnly = Object.keys(lock.packages).filter(p =>
    /node_modules\/(@backstage\/backend-test-utils|testcontainers)$/.test(p),
  );
  check(
    testOnly.length === 0,
    'no test utilities in the install (itsm-sync-node has backend-test-utils as an optional peer only)',
    testOnly.join('\n'),
  );

  const env = {
    ...process.env,
    IM_TOKEN: randomBytes(32).toString('base64'),
    ITSM_SYNC_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    POSTGRES_PASSWORD: pgPassword,
  };
  delete env.NODE_PATH;
  delete env.ITSM_SYNC_DEV_DIR;

  // --- the backend -------------------------------------------------------------------------
  // Its own temporary directory: as root, PostgreSQL runs as the postgres user, which must
  // be able to enter it (deleted on stop).
  const pgDataDir = fs.mkdtempSync(
    path.join(os.tmpdir(), 'itsm-sync-consumer-pg-'),
  );
  const pg = await startEmbeddedPostgres({
    dataDir: pgDataDir,
    password: pgPassword,
    persistent: false,
    fast: true,
  });
  cleanups.push(() => pg.stop());
  env.POSTGRES_PORT = String(pg.port);
  log(`embedded PostgreSQL 15 on 127.0.0.1:${pg.port}`);

  await run(
    'npx',
    [
      'backstage-cli',
      'config:check',
      '--strict',
      ...configArgs.map(a => a.replace('../../', '')),
    ],
    {
      cwd: consumer,
      env,
      logFile: path.join(logs, 'config-check.log'),
    },
  );
  check(
    true,
    "backstage-cli config:check --strict accepts the README's itsmSync config against the shipped schema",
  );

  const backendLog = path.join(logs, 'backend.log');
  log(
    `starting the backend (backstage-cli package start) on 127.0.0.1:${backendPort}`,
  );
  const out = fs.openSync(backendLog, 'a');
  const backend = spawn(
    'npx',
    ['backstage-cli', 'package', 'start', ...configArgs],
    {
      cwd: backendDir,
      env,
      stdio: ['ignore', out, out],
      detached: true,
    },
  );
  let backendExit;
  backend.on(
    'exit',
    (code, signal) => (backendExit = signal ?? `exit ${code}`),
  );
  const stopBackend = async () => {
    if (backendExit === undefined) {
      try {
        process.kill(-backend.pid, 'SIGTERM');
      } catch {}
      for (let i = 0; i < 100 && backendExit === undefined; i++)
        await new Promise(r => setTimeout(r, 100));
      if (backendExit === undefined) {
        try {
          process.kill(-backend.pid, 'SIGKILL');
        } catch {}
      }
    }
    fs.closeSync(out);
  };
  cleanups.push(stopBackend);

  const base = `http://127.0.0.1:${backendPort}/api/itsm-sync`;
  const auth = { authorization: `Bearer ${env.IM_TOKEN}` };
  let connectors;
  const deadline = Date.now() + 8 * 60_000;
  for (;;) {
    if (backendExit !== undefined) {
      throw new Error(
        `the backend exited (${backendExit}):\n${fs.readFileSync(backendLog, 'utf8').split('\n').slice(-40).join('\n')}`,
      );
    }
    if (Date.now() > deadline)
      throw new Error(
        `the backend did not answer within 8 minutes; log ${backendLog}`,
      );
    try {
      const response = await fetch(`${base}/v1/connectors`, { headers: auth });
      if (response.status === 200) {
        connectors = await response.json();
        break;
      }
    } catch {}
    await new Promise(r => setTimeout(r, 2000));
  }
  const types = connectors.items.map(c => c.type).sort();
  check(
    JSON.stringify(types) === JSON.stringify([...CONNECTOR_TYPES].sort()),
    `GET /api/itsm-sync/v1/connectors lists the four connectors: ${types.join(', ')}`,
    JSON.stringify(connectors),
  );
  const anonymous = await fetch(`${base}/v1/connectors`);
  check(
    anonymous.status === 401,
    `without a token the API answers 401 (got ${anonymous.status})`,
  );

  // The migrations the plugin ran are the ones in the installed package's migrations/ directory.
  const installedBackend = path.join(
    consumer,
    'node_modules',
    `${SCOPE}plugin-itsm-sync-backend`,
  );
  const shippedMigrations = fs
    .readdirSync(path.join(installedBackend, 'migrations'))
    .filter(f => f.endsWith('.js'))
    .sort();
  const { Client } = require('pg');
  const client = new Client({
    host: '127.0.0.1',
    port: pg.port,
    user: 'postgres',
    password: pgPassword,
    database: 'backstage_plugin_itsm-sync',
  });
  await client.connect();
  const applied = (
    await client.query(
      'select name from itsm_sync__knex_migrations order by name',
    )
  ).rows.map(r => r.name);
  await client.end();
  check(
    JSON.stringify(applied) === JSON.stringify(shippedMigrations),
    `the plugin applied the ${applied.length} migrations shipped in node_modules/${SCOPE}plugin-itsm-sync-backend/migrations`,
    `applied ${applied.join(', ')}; shipped ${shippedMigrations.join(', ')}`,
  );

  const scaffolderModule = await capture(
    'node',
    [
      '-e',
      `const m = require('${SCOPE}plugin-scaffolder-backend-module-itsm-sync'); process.stdout.write(String(m.default && m.default.$$type))`,
    ],
    { cwd: backendDir, env },
  );
  check(
    scaffolderModule.stdout === '@backstage/BackendFeature',
    `${SCOPE}plugin-scaffolder-backend-module-itsm-sync loads as a backend feature`,
    scaffolderModule.stderr,
  );

  const notificationsModule = await capture(
    'node',
    [
      '-e',
      `const m = require('${SCOPE}plugin-itsm-sync-backend-module-notifications'); process.stdout.write(String(m.default && m.default.$$type))`,
    ],
    { cwd: backendDir, env },
  );
  check(
    notificationsModule.stdout === '@backstage/BackendFeature',
    `${SCOPE}plugin-itsm-sync-backend-module-notifications loads as a backend feature`,
    notificationsModule.stderr,
  );

  // --- the CLI, installed globally from its tarball -------------------------------------------
  const prefix = path.join(tmp, 'global');
  const globalTarballs = new Set();
  for (const name of cli.globalPackages) {
    if (!tarballs[name])
      throw new Error(
        `README installs ${name} globally, which is not a published package`,
      );
    globalTarballs.add(tarballs[name]);
    for (const dep of familyDeps(name)) globalTarballs.add(tarballs[dep]);
  }
  log(
    `npm install -g --prefix ${prefix} ${[...globalTarballs].map(t => path.basename(t)).join(' ')}`,
  );
  await run(
    'npm',
    [
      'install',
      '-g',
      '--prefix',
      prefix,
      '--no-audit',
      '--no-fund',
      ...globalTarballs,
    ],
    {
      cwd: tmp,
      env,
      logFile: path.join(logs, 'cli-install.log'),
    },
  );
  const imBin = path.join(prefix, 'bin', 'im');
  const installedCli = path.join(prefix, 'lib', 'node_modules', `${SCOPE}cli`);
  check(
    fs.existsSync(imBin) && !fs.existsSync(path.join(installedCli, 'src')),
    `im installed in ${prefix}/bin, without its TypeScript sources`,
  );
  const cliEnv = {
    ...env,
    PATH: `${path.join(prefix, 'bin')}${path.delimiter}${process.env.PATH}`,
    IM_URL: `http://127.0.0.1:${backendPort}`,
    HOME: tmp,
  };
  delete cliEnv.IM_CONFIG;
  const help = await capture('im', ['--help'], { cwd: tmp, env: cliEnv });
  check(
    help.code === 0 &&
      /integration/.test(help.stdout) &&
      /conflict/.test(help.stdout),
    'im --help (exit 0, lists its commands)',
    help.stdout + help.stderr,
  );
  for (const args of cli.imCommands) {
    const result = await capture('im', args, { cwd: tmp, env: cliEnv });
    check(
      result.code === 0,
      `im ${args.join(' ')} against the new backend (exit 0)`,
      result.stdout + result.stderr,
    );
    console.log(result.stdout.trimEnd().replace(/^/gm, '    '));
  }
  // One write through the installed CLI and backend: the credential is sealed with the
  // configured key and the integration stored in the new database.
  const created = await capture(
    'im',
    [
      'integration',
      'configure',
      '--name',
      'consumer-check',
      '--type',
      'pagerduty',
      '--org',
      'consumer',
      '--base-url',
      'https://api.pagerduty.com',
      '--token',
      'not-a-real-token',
      // What PagerDuty's writes need (the connector's settings schema).
      '--set',
      'from_email=oncall@example.com',
      '--set',
      'default_service_id=PSVC001',
    ],
    { cwd: tmp, env: cliEnv },
  );
  check(
    created.code === 0,
    'im integration configure creates a PagerDuty integration in the new backend',
    created.stdout + created.stderr,
  );
  const listed = await capture(
    'im',
    ['--format', 'json', 'integration', 'list'],
    { cwd: tmp, env: cliEnv },
  );
  const listedNames =
    listed.code === 0 ? JSON.parse(listed.stdout).map(i => i.name) : [];
  check(
    listedNames.includes('consumer-check'),
    'im --format json integration list shows it',
    listed.stdout + listed.stderr,
  );
  const refused = await capture('im', ['integration', 'list'], {
    cwd: tmp,
    env: { ...cliEnv, IM_TOKEN: 'wrong-token' },
  });
  check(
    refused.code === 1 && !refused.stderr.includes('wrong-token'),
    `im with a wrong token fails with exit 1 without echoing it: ${refused.stderr.trim()}`,
  );

  await stopBackend();
  cleanups.splice(cleanups.indexOf(stopBackend), 1);
  await pg.stop();

  // --- the app -------------------------------------------------------------------------------
  log(
    'building the app (backstage-cli package build); slow on a small machine',
  );
  await run('npx', ['backstage-cli', 'package', 'build', ...configArgs], {
    cwd: appDir,
    env,
    logFile: path.join(logs, 'app-build.log'),
  });
  const staticDir = path.join(appDir, 'dist', 'static');
  const bundle = fs
    .readdirSync(staticDir)
    .filter(f => f.endsWith('.js'))
    .map(f => fs.readFileSync(path.join(staticDir, f), 'utf8'))
    .join('\n');
  check(
    fs.existsSync(path.join(appDir, 'dist', 'index.html')),
    'the app builds (dist/index.html)',
  );
  for (const [what, text] of [
    ['the itsm-sync frontend plugin', 'pluginId:"itsm-sync"'],
    ['the page at /itsm-sync', '/itsm-sync'],
    ['the Conflicts sub-page', 'Conflicts'],
    ['the Connectors sub-page', 'Connectors'],
    ['the Dead-letter queue sub-page', 'Dead-letter queue'],
    ['the Routing sub-page', 'Routing'],
    ["the entity card's annotation filter", 'itsm-sync.io/incidents'],
    ["the entity card's Sync with ITSM button", 'Sync with ITSM'],
  ]) {
    const found =
      bundle.includes(text) || bundle.includes(text.replace(/'/g, '"'));
    check(found, `the app bundle holds ${what} (${text})`);
  }

  log(
    `passed: ${checks.length} checks in ${Math.round((Date.now() - started) / 1000)}s`,
  );
  console.log('tarballs installed:');
  for (const file of Object.values(tarballs))
    console.log(`    ${path.basename(file)}`);
}

main().catch(error => {
  console.error(`test:consumer FAILED: ${error.message}`);
  process.exitCode = 1;
});
