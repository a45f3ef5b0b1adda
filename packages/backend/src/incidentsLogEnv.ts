/**
 * The PagerDuty guide's debug switches (docs/sync-semantics.md#debug-logging), mapped onto
 * Backstage's own: `INCIDENTS_LOG_LEVEL` sets the root logger's level (`LOG_LEVEL`) unless
 * that is set, and `INCIDENTS_SYNC_TRACE=true` turns debug logging on unless a level is
 * given. The sync trace itself is always kept (`GET /v1/incidents/{id}/trace`).
 */
export function applyIncidentsLogEnv(env: NodeJS.ProcessEnv): void {
  if (env.LOG_LEVEL) return;
  if (env.INCIDENTS_LOG_LEVEL) env.LOG_LEVEL = env.INCIDENTS_LOG_LEVEL;
  else if (env.INCIDENTS_SYNC_TRACE?.toLowerCase() === 'true')
    env.LOG_LEVEL = 'debug';
}
