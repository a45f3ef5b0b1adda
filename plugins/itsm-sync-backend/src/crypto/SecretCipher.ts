import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { LoggerService } from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';

const VERSION = 'v1';

/**
 * AES-256-GCM sealing of integration secrets. The envelope is
 * `v1.<keyId>.<iv>.<tag>.<ciphertext>` (base64url parts); the key id lets older keys
 * keep decrypting during a key rotation while new data is sealed with the current key.
 */
export class SecretCipher {
  private readonly keys: Map<string, Buffer>;
  private readonly currentId: string;

  /** @param keys - the current key first, then older keys still accepted for reading */
  constructor(keys: Buffer[]) {
    if (keys.length === 0) throw new Error('SecretCipher needs at least one key');
    for (const key of keys) {
      if (key.length !== 32) throw new Error('Encryption keys must be 32 bytes (AES-256)');
    }
    this.keys = new Map(keys.map(k => [SecretCipher.keyId(k), k]));
    this.currentId = SecretCipher.keyId(keys[0]);
  }

  /**
   * The cipher of `itsmSync.encryption.key` (and `previousKeys`). Without a key, production
   * refuses to start; development generates one and keeps it in `.itsm-sync-dev/encryption-key`
   * so an embedded database stays readable across restarts.
   */
  static fromConfig(
    config: Config,
    options: {
      logger: LoggerService;
      /** Whether this is production; NODE_ENV says unless given. */
      production?: boolean;
      /** Where a development key is kept; `.itsm-sync-dev` in the working directory unless given. */
      devKeyDir?: string;
    },
  ): SecretCipher {
    const { logger } = options;
    const production = options.production ?? process.env.NODE_ENV === 'production';
    const configured = config.getOptionalString('itsmSync.encryption.key');
    const previous = (config.getOptionalStringArray('itsmSync.encryption.previousKeys') ?? []).map(
      (k, i) => SecretCipher.parseKey(k, `itsmSync.encryption.previousKeys[${i}]`),
    );
    if (configured) {
      return new SecretCipher([SecretCipher.parseKey(configured, 'itsmSync.encryption.key'), ...previous]);
    }
    if (production) {
      throw new Error(
        "itsm-sync: itsmSync.encryption.key is not set. Integration credentials are encrypted at rest with AES-256-GCM and need a 32-byte key, e.g. set ITSM_SYNC_ENCRYPTION_KEY to the output of 'openssl rand -base64 32'.",
      );
    }
    const dir = options.devKeyDir ?? path.resolve(process.cwd(), '.itsm-sync-dev');
    const file = path.join(dir, 'encryption-key');
    let key: Buffer;
    if (fs.existsSync(file)) {
      key = SecretCipher.parseKey(fs.readFileSync(file, 'utf8'), file);
    } else {
      key = randomBytes(32);
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(file, key.toString('base64'), { mode: 0o600 });
    }
    logger.warn(
      `itsmSync.encryption.key is not set; using a generated development key (id ${SecretCipher.keyId(key)}) kept in ${file}. Set a key before production use.`,
    );
    return new SecretCipher([key, ...previous]);
  }

  /** A short public fingerprint of a key (never the key). */
  static keyId(key: Buffer): string {
    return createHash('sha256').update(key).digest('base64url').slice(0, 8);
  }

  /** Parses a configured key: 64 hex characters or base64 of 32 bytes. */
  static parseKey(value: string, name: string): Buffer {
    const trimmed = value.trim();
    const key = /^[0-9a-f]{64}$/i.test(trimmed)
      ? Buffer.from(trimmed, 'hex')
      : Buffer.from(trimmed, 'base64');
    if (key.length !== 32) {
      throw new Error(
        `${name} must be 32 random bytes, as 64 hex characters or base64 (for example the output of 'openssl rand -base64 32')`,
      );
    }
    return key;
  }

  seal(value: unknown): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.keys.get(this.currentId)!, iv);
    cipher.setAAD(Buffer.from(VERSION));
    const ciphertext = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
    return [VERSION, this.currentId, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), ciphertext.toString('base64url')].join('.');
  }

  open<T>(envelope: string): T {
    const [version, keyId, iv, tag, ciphertext] = envelope.split('.');
    if (version !== VERSION || !ciphertext) throw new Error('Unrecognised secret envelope');
    const key = this.keys.get(keyId);
    if (!key) throw new Error(`Secrets were sealed with key ${keyId}, which is not configured`);
    let plain: Buffer;
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      decipher.setAAD(Buffer.from(VERSION));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      plain = Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]);
    } catch {
      // GCM's tag check failed (or the parts were malformed): say so without echoing data.
      throw new Error(`Sealed secrets failed authentication with key ${keyId}: the stored value was altered or damaged`);
    }
    return JSON.parse(plain.toString('utf8')) as T;
  }
}
