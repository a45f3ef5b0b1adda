#!/usr/bin/env node
/*
 * `npm run build:api-reports` writes, and `npm run test:api-reports` (`--ci`) checks, the API
 * report of every plugin package. The declarations are compiled afresh each time: an
 * incremental build can order a union's members differently, and the report would change
 * with no change to the API.
 */
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const run = (command, args) => {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
};

fs.rmSync(path.join(root, 'dist-types'), { recursive: true, force: true });
fs.rmSync(path.join(root, 'tsconfig.tsbuildinfo'), { force: true });
run(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', root]);

const plugins = fs
  .readdirSync(path.join(root, 'plugins'))
  .map(name => `plugins/${name}`)
  .filter(dir => fs.existsSync(path.join(root, dir, 'package.json')));
const ci = process.argv.includes('--ci') ? ['--ci'] : [];
run(process.execPath, [
  require.resolve('@backstage/repo-tools/bin/backstage-repo-tools'),
  'api-reports',
  ...ci,
  '-o',
  'ae-wrong-input-file-type,ae-undocumented',
  '--validate-release-tags',
  ...plugins,
]);
