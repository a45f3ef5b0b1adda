#!/usr/bin/env node
/*
 * `npm run test:template`: starts the product as a newcomer would (`npm start`), waits until
 * the demo is seeded, runs the demo software template through the scaffolder's REST API
 * (openIncident.test.ts) and checks the demo's owner notification (demoNotifications.test.ts),
 * then stops everything it started. Run it as
 * `flock /tmp/ports.lock npm run test:template` where others share ports 7007 and 3000.
 */
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.resolve(__dirname, '../../..');
// A data directory of its own: the test starts from a fresh demo and leaves a user's
// kept data (.itsm-sync-dev) alone.
const devDir = fs.mkdtempSync(path.join(os.tmpdir(), 'itsm-sync-template-'));
fs.chmodSync(devDir, 0o711);
const env = { ...process.env, ITSM_SYNC_DEV_DIR: devDir };

const product = spawn('npm', ['start'], {
  cwd: root,
  env,
  detached: true,
  stdio: ['ignore', 'pipe', 'pipe'],
});
let log = '';
let demoReady = false;
for (const stream of [product.stdout, product.stderr]) {
  stream.on('data', chunk => {
    const text = chunk.toString();
    log = (log + text).slice(-20_000);
    if (text.includes('demo: ready')) demoReady = true;
  });
}

/** Stops everything `npm start` started, then deletes its data directory. */
async function stop() {
  const exited = new Promise(resolve =>
    product.exitCode !== null ? resolve() : product.once('exit', resolve),
  );
  try {
    process.kill(-product.pid, 'SIGTERM');
  } catch {
    // already gone
  }
  await Promise.race([exited, new Promise(r => setTimeout(r, 30_000))]);
  fs.rmSync(devDir, { recursive: true, force: true });
}

(async () => {
  const deadline = Date.now() + 240_000;
  while (!demoReady) {
    if (Date.now() > deadline || product.exitCode !== null) {
      console.error(
        `The product did not come up within 4 minutes. Last output:\n${log}`,
      );
      await stop();
      process.exit(1);
    }
    await new Promise(r => setTimeout(r, 1000));
  }
  const result = spawnSync(
    'npx',
    ['jest', '-c', 'test/e2e/template/jest.config.js'],
    { cwd: root, env, stdio: 'inherit' },
  );
  if (result.status !== 0) console.error(`Product output:\n${log}`);
  await stop();
  process.exit(result.status ?? 1);
})();
