import { applyIncidentsLogEnv } from './incidentsLogEnv';

describe('applyIncidentsLogEnv', () => {
  it('takes INCIDENTS_LOG_LEVEL as the root logger level', () => {
    const env: NodeJS.ProcessEnv = { INCIDENTS_LOG_LEVEL: 'debug' };
    applyIncidentsLogEnv(env);
    expect(env.LOG_LEVEL).toBe('debug');
  });

  it('turns debug logging on for INCIDENTS_SYNC_TRACE=true when no level is given', () => {
    const env: NodeJS.ProcessEnv = { INCIDENTS_SYNC_TRACE: 'true' };
    applyIncidentsLogEnv(env);
    expect(env.LOG_LEVEL).toBe('debug');
    const off: NodeJS.ProcessEnv = { INCIDENTS_SYNC_TRACE: 'false' };
    applyIncidentsLogEnv(off);
    expect(off.LOG_LEVEL).toBeUndefined();
  });

  it('leaves an explicit LOG_LEVEL alone', () => {
    const env: NodeJS.ProcessEnv = {
      LOG_LEVEL: 'warn',
      INCIDENTS_LOG_LEVEL: 'debug',
      INCIDENTS_SYNC_TRACE: 'true',
    };
    applyIncidentsLogEnv(env);
    expect(env.LOG_LEVEL).toBe('warn');
  });
});
