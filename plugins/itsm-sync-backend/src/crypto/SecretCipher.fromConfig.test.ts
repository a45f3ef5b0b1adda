import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { ConfigReader } from '@backstage/config';
import type { JsonObject } from '@backstage/types';
import { mockServices } from '@backstage/backend-test-utils';
import { legacyV1Envelope } from './__testUtils__/legacyEnvelope';
import { SecretCipher } from './SecretCipher';

const production = { NODE_ENV: 'production' };
const development = { NODE_ENV: 'development' };

describe('SecretCipher.fromConfig', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'itsm-sync-key-'));
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const config = (encryption?: JsonObject, backend?: JsonObject) =>
    new ConfigReader({
      ...(encryption ? { itsmSync: { encryption } } : {}),
      ...(backend ? { backend } : {}),
    });

  it('refuses to start in production without a key, saying what to set', () => {
    expect(() =>
      SecretCipher.fromConfig(config(), {
        logger: mockServices.logger.mock(),
        env: production,
        devKeyDir: dir,
      }),
    ).toThrow(/itsmSync\.encryption\.key is not set.*ITSM_SYNC_ENCRYPTION_KEY/);
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('does not rest on NODE_ENV alone: unset, or development on a public base URL or a remote database, is not development', () => {
    const refused = (env: NodeJS.ProcessEnv, backend?: JsonObject) => {
      let message = '';
      try {
        SecretCipher.fromConfig(config(undefined, backend), {
          logger: mockServices.logger.mock(),
          env,
          devKeyDir: dir,
        });
      } catch (e) {
        message = (e as Error).message;
      }
      return message;
    };
    expect(refused({})).toContain('NODE_ENV is not set');
    expect(
      refused(development, { baseUrl: 'https://backstage.example.com' }),
    ).toContain('backend.baseUrl is not a loopback address');
    expect(
      refused(development, {
        database: {
          client: 'pg',
          connection: { host: 'db.internal', user: 'x' },
        },
      }),
    ).toContain('the database is not on a loopback host');
    expect(
      refused(development, {
        database: {
          client: 'pg',
          connection: 'postgresql://u@db.internal:5432/x',
        },
      }),
    ).toContain('the database is not on a loopback host');
    expect(fs.readdirSync(dir)).toEqual([]);
    const local = {
      baseUrl: 'http://localhost:7007',
      database: { client: 'pg', connection: { host: '127.0.0.1' } },
    };
    expect(refused(development, local)).toBe('');
    expect(
      refused(
        { NODE_ENV: 'test' },
        { database: { client: 'better-sqlite3', connection: ':memory:' } },
      ),
    ).toBe('');
  });

  it('uses the configured key, with previous keys for reading', () => {
    const key = randomBytes(32);
    const previous = randomBytes(32);
    const sealedWithPrevious = new SecretCipher([previous]).seal('old', 'i1');
    const cipher = SecretCipher.fromConfig(
      config({
        key: key.toString('base64'),
        previousKeys: [previous.toString('hex')],
      }),
      {
        logger: mockServices.logger.mock(),
        env: production,
      },
    );
    expect(cipher.open(sealedWithPrevious, 'i1')).toBe('old');
    expect(cipher.open(legacyV1Envelope(previous, 'older'), 'i1')).toBe(
      'older',
    );
    expect(new SecretCipher([key]).open(cipher.seal('new', 'i1'), 'i1')).toBe(
      'new',
    );
  });

  it('refuses a malformed configured key with the setting named and the value withheld', () => {
    expect(() =>
      SecretCipher.fromConfig(config({ key: 'not-a-key-at-all' }), {
        logger: mockServices.logger.mock(),
        env: production,
      }),
    ).toThrow(/^itsmSync\.encryption\.key must be 32 random bytes/);
    expect(() =>
      SecretCipher.fromConfig(
        config({
          key: randomBytes(32).toString('hex'),
          previousKeys: ['short'],
        }),
        { logger: mockServices.logger.mock() },
      ),
    ).toThrow(
      /itsmSync\.encryption\.previousKeys\[0\] must be 32 random bytes/,
    );
  });

  it('generates a development key once, keeps it private, and warns without the key', () => {
    const logger = mockServices.logger.mock();
    const first = SecretCipher.fromConfig(config(), {
      logger,
      env: development,
      devKeyDir: dir,
    });
    const file = path.join(dir, 'encryption-key');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const second = SecretCipher.fromConfig(config(), {
      logger,
      env: development,
      devKeyDir: dir,
    });
    expect(second.open(first.seal({ a: 1 }, 'i1'), 'i1')).toEqual({ a: 1 });

    const stored = fs.readFileSync(file, 'utf8');
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('generated development key'),
    );
    for (const [message] of (logger.warn as jest.Mock).mock.calls)
      expect(message).not.toContain(stored);
  });
});
