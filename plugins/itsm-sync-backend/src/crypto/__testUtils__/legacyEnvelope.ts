import { createCipheriv, randomBytes } from 'node:crypto';
import { SecretCipher } from '../SecretCipher';

/**
 * A `v1` envelope as the hub wrote them before envelopes were bound to their integration
 * (additional data `v1` only), for tests that a reseal upgrades stored secrets.
 */
export function legacyV1Envelope(key: Buffer, value: unknown): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from('v1'));
  const ciphertext = Buffer.concat([
    cipher.update(JSON.stringify(value), 'utf8'),
    cipher.final(),
  ]);
  return [
    'v1',
    SecretCipher.keyId(key),
    iv.toString('base64url'),
    cipher.getAuthTag().toString('base64url'),
    ciphertext.toString('base64url'),
  ].join('.');
}
