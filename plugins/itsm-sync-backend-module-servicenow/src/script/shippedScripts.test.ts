import { readFileSync, readdirSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { SHIPPED_SERVICENOW_SCRIPTS } from '@itsm-sync-hub/simulators';
import { STANDARD_WEBHOOK_SIGNER_SCRIPT } from './standardWebhookSigner';

const shippedDir = resolvePackagePath(
  '@itsm-sync-hub/plugin-itsm-sync-backend-module-servicenow',
  'servicenow',
);

describe('the ServiceNow scripts this module ships', () => {
  it('are the very files the ServiceNow simulator runs, not a copy', () => {
    expect(realpathSync(SHIPPED_SERVICENOW_SCRIPTS)).toBe(
      realpathSync(shippedDir),
    );
    expect(readdirSync(shippedDir).sort()).toEqual([
      'ItsmSyncWebhookSigner.js',
      'itsm_sync_incident_webhook.js',
    ]);
  });

  it('export the Script Include as read from its file', () => {
    expect(STANDARD_WEBHOOK_SIGNER_SCRIPT).toContain(
      'var ItsmSyncWebhookSigner = Class.create();',
    );
    expect(STANDARD_WEBHOOK_SIGNER_SCRIPT).toBe(
      readFileSync(path.join(shippedDir, 'ItsmSyncWebhookSigner.js'), 'utf8'),
    );
  });
});
