import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { ConfigReader } from '@backstage/config';
import type { JsonObject } from '@backstage/types';
import { mockServices } from '@backstage/backend-test-utils';
import { SecretCipher } from './SecretCipher';

describe('SecretCipher.fromConfig', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'itsm-sync-key-'));
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const config = (encryption?: JsonObject) => new ConfigReader(encryption ? { itsmSync: { encryption } } : {});

  it('refuses to start in production without a key, saying what to set', () => {
    expect(() => SecretCipher.fromConfig(config(), { logger: mockServices.logger.mock(), production: true, devKeyDir: dir })).toThrow(
      /itsmSync\.encryption\.key is not set.*ITSM_SYNC_ENCRYPTION_KEY/,
    );
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('uses the configured key, with previous keys for reading', () => {
    const key = randomBytes(32);
    const previous = randomBytes(32);
    const sealedWithPrevious = new SecretCipher([previous]).seal('old');
    const cipher = SecretCipher.fromConfig(config({ key: key.toString('base64'), previousKeys: [previous.toString('hex')] }), {
      logger: mockServices.logger.mock(),
      production: true,
    });
    expect(cipher.open(sealedWithPrevious)).toBe('old');
    expect(new SecretCipher([key]).open(cipher.seal('new'))).toBe('new');
  });

  it('refuses a malformed configured key with the setting named and the value withheld', () => {
    expect(() => SecretCipher.fromConfig(config({ key: 'not-a-key-at-all' }), { logger: mockServices.logger.mock(), production: true })).toThrow(
      /^itsmSync\.encryption\.key must be 32 random bytes/,
    );
    expect(() =>
      SecretCipher.fromConfig(config({ key: randomBytes(32).toString('hex'), previousKeys: ['short'] }), { logger: mockServices.logger.mock() }),
    ).toThrow(/itsmSync\.encryption\.previousKeys\[0\] must be 32 random bytes/);
  });

  it('generates a development key once, keeps it private, and warns without the key', () => {
    const logger = mockServices.logger.mock();
    const first = SecretCipher.fromConfig(config(), { logger, production: false, devKeyDir: dir });
    const file = path.join(dir, 'encryption-key');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const second = SecretCipher.fromConfig(config(), { logger, production: false, devKeyDir: dir });
    expect(second.open(first.seal({ a: 1 }))).toEqual({ a: 1 });

    const stored = fs.readFileSync(file, 'utf8');
    expect(logger.warn).toHaveBeenCalledWith(expect.stringContaining('generated development key'));
    for (const [message] of (logger.warn as jest.Mock).mock.calls) expect(message).not.toContain(stored);
  });
});
