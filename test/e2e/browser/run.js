#!/usr/bin/env node
/*
 * `npm run test:browser`: starts the product as a newcomer would (`npm start`: backend,
 * app, simulators, demo data), waits until the demo is seeded and the app answers, runs
 * the browser test against it, then stops everything it started. Bounded in time.
 */
const { spawn, spawnSync } = require('node:child_process');
const { randomBytes } = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.resolve(__dirname, '../../..');
const token = process.env.IM_TOKEN || randomBytes(32).toString('base64url');
// A data directory of its own: the test starts from a fresh demo and leaves a user's
// kept data (.itsm-sync-dev) alone.
const devDir = fs.mkdtempSync(path.join(os.tmpdir(), 'itsm-sync-browser-'));
fs.chmodSync(devDir, 0o711);
const env = { ...process.env, IM_TOKEN: token, ITSM_SYNC_DEV_DIR: devDir };

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

(async () => {
  const deadline = Date.now() + 240_000;
  while (!(demoReady && (await appAnswers()))) {
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
    ['jest', '-c', 'test/e2e/browser/jest.config.js'],
    { cwd: root, env, stdio: 'inherit' },
  );
  await stop();
  process.exit(result.status ?? 1);
})();
