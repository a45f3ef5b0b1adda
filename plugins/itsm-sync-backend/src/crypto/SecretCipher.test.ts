import { toError } from '@backstage/errors';
import { randomBytes } from 'node:crypto';
import { SecretCipher } from './SecretCipher';

const secrets = { credentials: { username: 'api_user', password: 'hunter2-secret' }, webhook_secrets: ['whsec-1'] };

describe('SecretCipher', () => {
  const key = randomBytes(32);

  it('opens what it sealed', () => {
    const cipher = new SecretCipher([key]);
    expect(cipher.open(cipher.seal(secrets))).toEqual(secrets);
  });

  it('never shows the plaintext in the envelope and uses a fresh IV each time', () => {
    const cipher = new SecretCipher([key]);
    const a = cipher.seal(secrets);
    const b = cipher.seal(secrets);
    expect(a).not.toBe(b);
    for (const envelope of [a, b]) {
      expect(envelope).not.toContain('hunter2');
      expect(Buffer.from(envelope.split('.')[4], 'base64url').toString('utf8')).not.toContain('hunter2');
      expect(envelope.split('.')).toHaveLength(5);
      expect(envelope.startsWith(`v1.${SecretCipher.keyId(key)}.`)).toBe(true);
    }
  });

  it.each([
    ['ciphertext', 4],
    ['auth tag', 3],
    ['iv', 2],
  ])('detects a tampered %s', (_part, index) => {
    const cipher = new SecretCipher([key]);
    const parts = cipher.seal(secrets).split('.');
    const bytes = Buffer.from(parts[index], 'base64url');
    bytes[0] ^= 0x01;
    parts[index] = bytes.toString('base64url');
    expect(() => cipher.open(parts.join('.'))).toThrow(/failed authentication/);
  });

  it('refuses an envelope of another version or shape with a clear error', () => {
    const cipher = new SecretCipher([key]);
    const sealed = cipher.seal(secrets);
    expect(() => cipher.open(sealed.replace(/^v1\./, 'v2.'))).toThrow('Unrecognised secret envelope');
    expect(() => cipher.open('not-an-envelope')).toThrow('Unrecognised secret envelope');
  });

  it('keeps reading secrets sealed with a previous key after a rotation, and seals with the new one', () => {
    const oldKey = randomBytes(32);
    const sealedBefore = new SecretCipher([oldKey]).seal(secrets);
    const rotated = new SecretCipher([key, oldKey]);
    expect(rotated.open(sealedBefore)).toEqual(secrets);
    const resealed = rotated.seal(rotated.open(sealedBefore));
    expect(new SecretCipher([key]).open(resealed)).toEqual(secrets);
  });

  it('names the missing key by its fingerprint, never the key', () => {
    const oldKey = randomBytes(32);
    const sealed = new SecretCipher([oldKey]).seal(secrets);
    let message = '';
    try {
      new SecretCipher([key]).open(sealed);
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
      expect(SecretCipher.parseKey(key.toString('hex'), 'k').equals(key)).toBe(true);
      expect(SecretCipher.parseKey(` ${key.toString('base64')}\n`, 'k').equals(key)).toBe(true);
    });

    it.each(['', 'too-short', 'ab'.repeat(31), randomBytes(24).toString('base64')])('refuses %p naming the setting, not the value', bad => {
      let message = '';
      try {
        SecretCipher.parseKey(bad, 'itsmSync.encryption.key');
      } catch (e) {
        message = toError(e).message;
      }
      expect(message).toContain('itsmSync.encryption.key must be 32 random bytes');
      expect(bad === '' || !message.includes(bad)).toBe(true);
    });
  });
});
