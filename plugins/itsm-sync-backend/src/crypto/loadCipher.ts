import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '@backstage/config';
import type { LoggerService } from '@backstage/backend-plugin-api';
import { developmentSigns } from './deploymentMode';
import { SecretCipher } from './SecretCipher';

/**
 * Builds the cipher from `itsmSync.encryption.key` (and `previousKeys`). Without a key,
 * anything but a positively development backend refuses to start (see `developmentSigns`:
 * NODE_ENV alone does not decide); development generates one and keeps it in
 * `.itsm-sync-dev/encryption-key` so an embedded database stays readable across restarts.
 */
export function loadCipher(options: {
  config: Config;
  logger: LoggerService;
  /** The environment the development signs are read from; the process's by default. */
  env?: NodeJS.ProcessEnv;
  devKeyDir?: string;
}): SecretCipher {
  const { config, logger } = options;
  const signs = developmentSigns(config, options.env ?? process.env);
  const configured = config.getOptionalString('itsmSync.encryption.key');
  const previous = (config.getOptionalStringArray('itsmSync.encryption.previousKeys') ?? []).map(
    (k, i) => SecretCipher.parseKey(k, `itsmSync.encryption.previousKeys[${i}]`),
  );
  if (configured) {
    return new SecretCipher([SecretCipher.parseKey(configured, 'itsmSync.encryption.key'), ...previous]);
  }
  if (!signs.development) {
    throw new Error(
      `itsm-sync: itsmSync.encryption.key is not set. Integration credentials are encrypted at rest with AES-256-GCM and need a 32-byte key, e.g. set ITSM_SYNC_ENCRYPTION_KEY to the output of 'openssl rand -base64 32'. (A development key is generated only for a development backend; this one is not: ${signs.production.join('; ')}.)`,
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
