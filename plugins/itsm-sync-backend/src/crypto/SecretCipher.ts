import {
  createCipheriv,
  createDecipheriv,
  createHash,
  randomBytes,
} from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { LoggerService } from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import { developmentSigns } from './deploymentMode';

/** Envelopes before binding: the additional data is the version alone. Still read; never written. */
const UNBOUND = 'v1';
/** Envelopes bound to what they belong to: the additional data names it (an integration id). */
const BOUND = 'v2';

/**
 * AES-256-GCM sealing of integration secrets. The envelope is
 * `v2.<keyId>.<iv>.<tag>.<ciphertext>` (base64url parts), sealed with additional data that
 * names what the secrets belong to (the integration's id), so a ciphertext copied onto
 * another integration's row fails authentication. The key id lets older keys keep
 * decrypting during a key rotation while new data is sealed with the current key;
 * `isCurrent` tells which envelopes a reseal must rewrite. `v1` envelopes (no binding)
 * still open.
 */
export class SecretCipher {
  private readonly keys: Map<string, Buffer>;
  /** The id of the key new data is sealed with. */
  readonly currentKeyId: string;

  /** @param keys - the current key first, then older keys still accepted for reading */
  constructor(keys: Buffer[]) {
    if (keys.length === 0)
      throw new Error('SecretCipher needs at least one key');
    for (const key of keys) {
      if (key.length !== 32)
        throw new Error('Encryption keys must be 32 bytes (AES-256)');
    }
    this.keys = new Map(keys.map(k => [SecretCipher.keyId(k), k]));
    this.currentKeyId = SecretCipher.keyId(keys[0]);
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
      /** The environment the development signs are read from; the process's by default. */
      env?: NodeJS.ProcessEnv;
      /** Where a development key is kept; `.itsm-sync-dev` in the working directory unless given. */
      devKeyDir?: string;
    },
  ): SecretCipher {
    const { logger } = options;
    // Only a positively development backend may generate a key: NODE_ENV alone does not decide.
    const signs = developmentSigns(config, options.env ?? process.env);
    const configured = config.getOptionalString('itsmSync.encryption.key');
    const previous = (
      config.getOptionalStringArray('itsmSync.encryption.previousKeys') ?? []
    ).map((k, i) =>
      SecretCipher.parseKey(k, `itsmSync.encryption.previousKeys[${i}]`),
    );
    if (configured) {
      return new SecretCipher([
        SecretCipher.parseKey(configured, 'itsmSync.encryption.key'),
        ...previous,
      ]);
    }
    if (!signs.development) {
      throw new Error(
        `itsm-sync: itsmSync.encryption.key is not set. Integration credentials are encrypted at rest with AES-256-GCM and need a 32-byte key, e.g. set ITSM_SYNC_ENCRYPTION_KEY to the output of 'openssl rand -base64 32'. (A development key is generated only for a development backend; this one is not: ${signs.production.join('; ')}.)`,
      );
    }
    const dir =
      options.devKeyDir ?? path.resolve(process.cwd(), '.itsm-sync-dev');
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

  /** Seals a value bound to `boundTo` (the id of what it belongs to) with the current key. */
  seal(value: unknown, boundTo: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv(
      'aes-256-gcm',
      this.keys.get(this.currentKeyId)!,
      iv,
    );
    cipher.setAAD(additionalData(BOUND, boundTo));
    const ciphertext = Buffer.concat([
      cipher.update(JSON.stringify(value), 'utf8'),
      cipher.final(),
    ]);
    return [
      BOUND,
      this.currentKeyId,
      iv.toString('base64url'),
      cipher.getAuthTag().toString('base64url'),
      ciphertext.toString('base64url'),
    ].join('.');
  }

  /** Opens an envelope sealed for `boundTo` (or an older unbound one) with whichever configured key sealed it. */
  open<T>(envelope: string, boundTo: string): T {
    const [version, keyId, iv, tag, ciphertext] = envelope.split('.');
    if ((version !== BOUND && version !== UNBOUND) || !ciphertext)
      throw new Error('Unrecognised secret envelope');
    const key = this.keys.get(keyId);
    if (!key)
      throw new Error(
        `Secrets were sealed with key ${keyId}, which is not configured`,
      );
    let plain: Buffer;
    try {
      const decipher = createDecipheriv(
        'aes-256-gcm',
        key,
        Buffer.from(iv, 'base64url'),
      );
      decipher.setAAD(additionalData(version, boundTo));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      plain = Buffer.concat([
        decipher.update(Buffer.from(ciphertext, 'base64url')),
        decipher.final(),
      ]);
    } catch {
      // GCM's tag check failed (or the parts were malformed): say so without echoing data.
      throw new Error(
        `Sealed secrets failed authentication with key ${keyId}: the stored value was altered, damaged or belongs to another record`,
      );
    }
    return JSON.parse(plain.toString('utf8')) as T;
  }

  /** Whether an envelope is sealed, bound, with the current key: what a reseal leaves every envelope as. */
  isCurrent(envelope: string): boolean {
    const [version, keyId] = envelope.split('.');
    return version === BOUND && keyId === this.currentKeyId;
  }

  /** The id of the key an envelope was sealed with (never secret). */
  static keyIdOf(envelope: string): string | undefined {
    return envelope.split('.')[1];
  }
}

/** The GCM additional data of an envelope version: the version, and for bound envelopes what it is bound to. */
function additionalData(version: string, boundTo: string): Buffer {
  return Buffer.from(version === UNBOUND ? UNBOUND : `${BOUND}:${boundTo}`);
}
