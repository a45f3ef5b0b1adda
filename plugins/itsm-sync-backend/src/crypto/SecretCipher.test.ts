import { toError } from '@backstage/errors';
import { randomBytes } from 'node:crypto';
import { legacyV1Envelope } from './__testUtils__/legacyEnvelope';
import { SecretCipher } from './SecretCipher';

const ID = 'integration-1';

const secrets = {
  credentials: { username: 'api_user', password: 'hunter2-secret' },
  webhook_secrets: ['whsec-1'],
};

describe('SecretCipher', () => {
  const key = randomBytes(32);

  it('opens what it sealed', () => {
    const cipher = new SecretCipher([key]);
    expect(cipher.open(cipher.seal(secrets, ID), ID)).toEqual(secrets);
  });

  it('binds an envelope to its integration: copied onto another, it fails authentication', () => {
    const cipher = new SecretCipher([key]);
    const sealed = cipher.seal(secrets, ID);
    expect(() => cipher.open(sealed, 'integration-2')).toThrow(
      /failed authentication/,
    );
  });

  it('still opens unbound v1 envelopes written before binding, which are not current', () => {
    const cipher = new SecretCipher([key]);
    const legacy = legacyV1Envelope(key, secrets);
    expect(cipher.open(legacy, ID)).toEqual(secrets);
    expect(cipher.isCurrent(legacy)).toBe(false);
    expect(cipher.isCurrent(cipher.seal(secrets, ID))).toBe(true);
    // The version is covered too: an unbound envelope relabelled as bound does not open.
    expect(() => cipher.open(legacy.replace(/^v1\./, 'v2.'), ID)).toThrow(
      /failed authentication/,
    );
  });

  it('never shows the plaintext in the envelope and uses a fresh IV each time', () => {
    const cipher = new SecretCipher([key]);
    const a = cipher.seal(secrets, ID);
    const b = cipher.seal(secrets, ID);
    expect(a).not.toBe(b);
    for (const envelope of [a, b]) {
      expect(envelope).not.toContain('hunter2');
      expect(
        Buffer.from(envelope.split('.')[4], 'base64url').toString('utf8'),
      ).not.toContain('hunter2');
      expect(envelope.split('.')).toHaveLength(5);
      expect(envelope.startsWith(`v2.${SecretCipher.keyId(key)}.`)).toBe(true);
    }
  });

  it.each([
    ['ciphertext', 4],
    ['auth tag', 3],
    ['iv', 2],
  ])('detects a tampered %s', (_part, index) => {
    const cipher = new SecretCipher([key]);
    const parts = cipher.seal(secrets, ID).split('.');
    const bytes = Buffer.from(parts[index], 'base64url');
    bytes[0] ^= 0x01;
    parts[index] = bytes.toString('base64url');
    expect(() => cipher.open(parts.join('.'), ID)).toThrow(
      /failed authentication/,
    );
  });

  it('refuses an envelope of another version or shape with a clear error', () => {
    const cipher = new SecretCipher([key]);
    const sealed = cipher.seal(secrets, ID);
    expect(() => cipher.open(sealed.replace(/^v2\./, 'v3.'), ID)).toThrow(
      'Unrecognised secret envelope',
    );
    expect(() => cipher.open('not-an-envelope', ID)).toThrow(
      'Unrecognised secret envelope',
    );
  });

  it('keeps reading secrets sealed with a previous key after a rotation, and seals with the new one', () => {
    const oldKey = randomBytes(32);
    const sealedBefore = new SecretCipher([oldKey]).seal(secrets, ID);
    const rotated = new SecretCipher([key, oldKey]);
    expect(rotated.open(sealedBefore, ID)).toEqual(secrets);
    expect(rotated.isCurrent(sealedBefore)).toBe(false);
    const resealed = rotated.seal(rotated.open(sealedBefore, ID), ID);
    expect(rotated.isCurrent(resealed)).toBe(true);
    expect(SecretCipher.keyIdOf(resealed)).toBe(rotated.currentKeyId);
    expect(new SecretCipher([key]).open(resealed, ID)).toEqual(secrets);
  });

  it('names the missing key by its fingerprint, never the key', () => {
    const oldKey = randomBytes(32);
    const sealed = new SecretCipher([oldKey]).seal(secrets, ID);
    let message = '';
    try {
      new SecretCipher([key]).open(sealed, ID);
    } catch (e) {
      message = toError(e).message;
    }
    expect(message).toContain(SecretCipher.keyId(oldKey));
    expect(message).not.toContain(oldKey.toString('base64'));
    expect(message).not.toContain(oldKey.toString('hex'));
  });

  it('refuses no keys or keys of the wrong size', () => {
    expect(() => new SecretCipher([])).toThrow('at least one key');
    expect(() => new SecretCipher([randomBytes(16)])).toThrow('32 bytes');
  });

  describe('parseKey', () => {
    it('accepts 64 hex characters and base64 of 32 bytes', () => {
      expect(SecretCipher.parseKey(key.toString('hex'), 'k').equals(key)).toBe(
        true,
      );
      expect(
        SecretCipher.parseKey(` ${key.toString('base64')}\n`, 'k').equals(key),
      ).toBe(true);
    });

    it.each([
      '',
      'too-short',
      'ab'.repeat(31),
      randomBytes(24).toString('base64'),
    ])('refuses %p naming the setting, not the value', bad => {
      let message = '';
      try {
        SecretCipher.parseKey(bad, 'itsmSync.encryption.key');
      } catch (e) {
        message = toError(e).message;
      }
      expect(message).toContain(
        'itsmSync.encryption.key must be 32 random bytes',
      );
      expect(bad === '' || !message.includes(bad)).toBe(true);
    });
  });
});
