import type { Router } from 'express';
import {
  itsmSyncReadPermission,
  type ConnectorInfoResponse,
  type ConnectorSettingsJsonSchema,
} from '@itsm-sync-hub/plugin-itsm-sync-common';
import { connectorSettingsJsonSchema } from '@itsm-sync-hub/plugin-itsm-sync-node';
import { createAuthorizer } from './authorize';
import type { RouterContext } from './RouterContext';

/** The installed connector modules and what they can do. */
export function addConnectorRoutes(router: Router, ctx: RouterContext) {
  const authorize = createAuthorizer(ctx);
  router.get('/v1/connectors', async (req, res) => {
    await authorize(req, itsmSyncReadPermission);
    const items: ConnectorInfoResponse[] = ctx.connectors.list().map(c => ({
      type: c.type,
      display_name: c.displayName,
      capabilities: {
        // Every connector sends, receives and carries notes; listing is the optional method.
        outbound: true,
        inbound: true,
        notes: true,
        listChanged: Boolean(c.listChangedSince),
        ...c.capabilities,
      },
      fields: c.fields,
      default_field_ownership: c.defaultFieldOwnership,
      webhook_auth: c.webhookAuth,
      credential_keys: c.credentialKeys.map(keys => keys.join('+')),
      mappings: c.mappings,
      ...(c.settingsSchema
        ? {
            settings_schema: connectorSettingsJsonSchema(
              c.settingsSchema,
            ) as unknown as ConnectorSettingsJsonSchema,
          }
        : {}),
    }));
    res.json({ items });
  });
}
