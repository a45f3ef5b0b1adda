import { readFileSync } from 'node:fs';
import { resolvePackagePath } from '@backstage/backend-plugin-api';

/**
 * The ServiceNow side of the hub's webhook signing: the Script Include
 * `ItsmSyncWebhookSigner` (`servicenow/ItsmSyncWebhookSigner.js` in this package), in the
 * JavaScript ServiceNow runs, that the shipped business rule
 * (`servicenow/itsm_sync_incident_webhook.js`) calls to sign its RESTMessageV2 call:
 * `sign(request, id, body)` for `standard-webhooks` (`<id>.<timestamp>.<body>`),
 * `signLegacy(request, body, encoding, withTimestamp)` for `X-ServiceNow-Signature`.
 *
 * Read from the shipped file, so what instances install, the docs and the tests (and the
 * ServiceNow simulator, which runs both files) use one copy.
 * @public
 */
export const STANDARD_WEBHOOK_SIGNER_SCRIPT = readFileSync(
  resolvePackagePath(
    '@itsm-sync-hub/plugin-itsm-sync-backend-module-servicenow',
    'servicenow/ItsmSyncWebhookSigner.js',
  ),
  'utf8',
);
