import { randomBytes } from 'node:crypto';
import { applyImTokenAccess } from './imToken';

describe('applyImTokenAccess', () => {
  const strong = randomBytes(32).toString('base64url');

  it('turns IM_TOKEN into a static token that opens the itsm-sync plugin only', () => {
    const env: NodeJS.ProcessEnv = { IM_TOKEN: strong };
    applyImTokenAccess(env);
    expect(JSON.parse(env.APP_CONFIG_backend_auth_externalAccess!)).toEqual([
      {
        type: 'static',
        options: { token: strong, subject: 'im-cli' },
        accessRestrictions: [{ plugin: 'itsm-sync' }],
      },
    ]);
  });

  it('accepts 32 random bytes in hex too', () => {
    const env: NodeJS.ProcessEnv = {
      IM_TOKEN: randomBytes(32).toString('hex'),
    };
    expect(() => applyImTokenAccess(env)).not.toThrow();
  });

  it('adds no token at all without the variable', () => {
    const env: NodeJS.ProcessEnv = {};
    applyImTokenAccess(env);
    expect(env.APP_CONFIG_backend_auth_externalAccess).toBeUndefined();
  });

  it.each([
    ['short', 'a-long-cli-token'],
    ['24 random bytes', randomBytes(24).toString('hex').slice(0, 42)],
    ['a repeated pattern', 'ab'.repeat(40)],
    ['whitespace', `${strong.slice(0, 30)} ${strong.slice(30)}x`],
  ])('refuses a token that is %s, without echoing it', (_what, token) => {
    const env: NodeJS.ProcessEnv = { IM_TOKEN: token };
    let message = '';
    try {
      applyImTokenAccess(env);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/at least 32 random bytes/);
    expect(message).not.toContain(token.trim());
    expect(env.APP_CONFIG_backend_auth_externalAccess).toBeUndefined();
  });
});
