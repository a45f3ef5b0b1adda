/*
 * Runs a jest suite against the product as a newcomer starts it (`npm start`: backend, app,
 * simulators, demo data) from a data directory of its own, so a user's kept data
 * (.itsm-sync-dev) is left alone; then stops everything it started and deletes that
 * directory. Used by `npm run test:browser` and `npm run test:template`.
 */
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.resolve(__dirname, '../../..');

function groupAlive(pid) {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * @param {object} options
 * @param {string} options.name names the temporary data directory
 * @param {string} options.jestConfig the suite's jest config, relative to the repository
 * @param {Record<string, string>} [options.env] more environment for the product and the suite
 * @param {() => Promise<boolean>} [options.ready] besides "demo: ready", what must answer first
 */
async function runAgainstDemo({ name, jestConfig, env: extra = {}, ready }) {
  const devDir = fs.mkdtempSync(path.join(os.tmpdir(), `itsm-sync-${name}-`));
  fs.chmodSync(devDir, 0o711);
  const env = { ...process.env, ...extra, ITSM_SYNC_DEV_DIR: devDir };
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

  const stop = async () => {
    const exited = new Promise(resolve =>
      product.exitCode !== null ? resolve() : product.once('exit', resolve),
    );
    try {
      process.kill(-product.pid, 'SIGTERM');
    } catch {
      // already gone
    }
    await Promise.race([exited, new Promise(r => setTimeout(r, 30_000))]);
    // npm can exit before the rest of its group: the simulators write their state on close,
    // so the directory is deleted only once no process of the group is left.
    const until = Date.now() + 30_000;
    while (Date.now() < until && groupAlive(product.pid)) {
      await new Promise(r => setTimeout(r, 200));
    }
    fs.rmSync(devDir, {
      recursive: true,
      force: true,
      maxRetries: 10,
      retryDelay: 200,
    });
  };

  const deadline = Date.now() + 240_000;
  while (!(demoReady && (!ready || (await ready())))) {
    if (Date.now() > deadline || product.exitCode !== null) {
      console.error(
        `The product did not come up within 4 minutes. Last output:\n${log}`,
      );
      await stop();
      return 1;
    }
    await new Promise(r => setTimeout(r, 1000));
  }
  const result = spawnSync('npx', ['jest', '-c', jestConfig], {
    cwd: root,
    env,
    stdio: 'inherit',
  });
  if (result.status !== 0) console.error(`Product output:\n${log}`);
  await stop();
  return result.status ?? 1;
}

module.exports = { runAgainstDemo };
