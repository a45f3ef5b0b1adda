/**
 * The in-process Backstage test backend leaves a timer referenced after `stop()`, which
 * would keep the process (and CI) waiting; once every test has reported, leave anyway
 * with the exit code node:test set. The timer is unref'd: a clean process exits first.
 */
export function exitWhenDone(graceMs = 2000) {
  setTimeout(() => process.exit(process.exitCode ?? 0), graceMs).unref();
}
