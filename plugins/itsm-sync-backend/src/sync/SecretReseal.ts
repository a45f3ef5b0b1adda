import type { ResealSecretsResponse } from '@itsm-sync-hub/plugin-itsm-sync-common';
import type { SecretCipher } from '../crypto/SecretCipher';
import type { SyncStore } from '../store/SyncStore';
import type { IntegrationRecord, IntegrationSecrets } from '../store/types';
import type { ConnectorRegistry } from './ConnectorRegistry';
import { hasUnsealedSettings, splitSealedSettings } from './sealedSettings';

/** Tries per integration when a concurrent update changes its secrets meanwhile. */
const ATTEMPTS = 3;

/**
 * Seals every integration's stored secrets again with the current key, bound to the
 * integration (upgrading unbound `v1` envelopes), and seals settings a connector declares
 * secret that were stored in the clear before sealing existed. After it reports no
 * failures, no ciphertext depends on `previousKeys` any more. Each write is conditional on
 * the ciphertext read, so a concurrent update is never overwritten (it is read again).
 */
export class SecretReseal {
  constructor(
    private readonly store: SyncStore,
    private readonly cipher: SecretCipher,
    private readonly connectors: ConnectorRegistry,
  ) {}

  async run(): Promise<ResealSecretsResponse> {
    const report: ResealSecretsResponse = {
      key_id: this.cipher.currentKeyId,
      integrations: 0,
      resealed: 0,
      already_current: 0,
      failed: [],
    };
    for (const listed of await this.store.integrations.list()) {
      report.integrations += 1;
      try {
        const outcome = await this.resealOne(listed);
        if (outcome === 'resealed') report.resealed += 1;
        else report.already_current += 1;
      } catch (error) {
        // The cipher's messages name key ids, never keys or values.
        report.failed.push({
          integration_id: listed.id,
          name: listed.name,
          error: (error as Error).message,
        });
      }
    }
    return report;
  }

  private async resealOne(
    listed: IntegrationRecord,
  ): Promise<'resealed' | 'current'> {
    let record: IntegrationRecord | undefined = listed;
    for (let attempt = 0; attempt < ATTEMPTS && record; attempt++) {
      const sealedKeys = this.connectors.get(
        record.integration_type,
      )?.sealedSettings;
      const moveSettings = hasUnsealedSettings(record.settings, sealedKeys);
      if (this.cipher.isCurrent(record.secrets_ciphertext) && !moveSettings)
        return 'current';
      const secrets = this.cipher.open<IntegrationSecrets>(
        record.secrets_ciphertext,
        record.id,
      );
      let settings: Record<string, unknown> | undefined;
      if (moveSettings) {
        const { clear, sealed } = splitSealedSettings(
          record.settings,
          sealedKeys,
        );
        secrets.settings = { ...secrets.settings, ...sealed };
        settings = clear;
      }
      const resealed = this.cipher.seal(secrets, record.id);
      if (
        await this.store.integrations.replaceSecrets(
          record.id,
          record.secrets_ciphertext,
          resealed,
          settings,
        )
      )
        return 'resealed';
      record = await this.store.integrations.get(record.id);
    }
    if (!record) return 'current'; // deleted meanwhile: nothing of it is left to reseal
    throw new Error(
      `the secrets kept changing while being resealed (${ATTEMPTS} tries); run the reseal again`,
    );
  }
}
