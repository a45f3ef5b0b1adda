import { applyImTokenAccess } from './imToken';

describe('applyImTokenAccess', () => {
  it('turns IM_TOKEN into a static external-access token for the im command line', () => {
    const env: NodeJS.ProcessEnv = { IM_TOKEN: 'a-long-cli-token' };
    applyImTokenAccess(env);
    expect(JSON.parse(env.APP_CONFIG_backend_auth_externalAccess!)).toEqual([
      { type: 'static', options: { token: 'a-long-cli-token', subject: 'im-cli' } },
    ]);
  });

  it('adds no token at all without the variable', () => {
    const env: NodeJS.ProcessEnv = {};
    applyImTokenAccess(env);
    expect(env.APP_CONFIG_backend_auth_externalAccess).toBeUndefined();
  });

  it('refuses a short token without echoing it', () => {
    const refuse = () => applyImTokenAccess({ IM_TOKEN: 'short' });
    expect(refuse).toThrow(/at least 8 characters/);
    // It does throw (above); this checks that its message does not quote the token.
    expect(refuse).not.toThrow(/short"/);
  });
});
