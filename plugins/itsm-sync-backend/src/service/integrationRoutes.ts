import type { Router } from 'express';
import {
  createIntegrationRequestSchema,
  fieldNameSchema,
  fieldOwnershipRuleRequestSchema,
  itsmSyncReadPermission,
  updateIntegrationRequestSchema,
} from '@itsm-sync-hub/plugin-itsm-sync-common';
import { integrationResponse } from './responses';
import { audited } from './audited';
import {
  createAuthorizer,
  createResourceAuthorizer,
  principalName,
} from './authorize';
import { parseInput } from './validation';
import type { RouterContext } from './RouterContext';
import { settingsForResponse } from '../sync/sealedSettings';

/** Integration CRUD, connectivity test and field ownership. */
export function addIntegrationRoutes(router: Router, ctx: RouterContext) {
  const authorize = createAuthorizer(ctx);
  const resources = createResourceAuthorizer(ctx);
  // Sealed settings by name only, also a value stored in the clear before sealing existed.
  const view = (r: Parameters<typeof integrationResponse>[0]) =>
    integrationResponse(
      {
        ...r,
        settings: settingsForResponse(
          r.settings,
          ctx.connectors.get(r.integration_type)?.sealedSettings,
        ),
      },
      ctx.baseUrl,
    );

  router.post('/v1/integrations', async (req, res) => {
    const access = await resources.manageIntegration(req);
    const body = parseInput(
      createIntegrationRequestSchema,
      req.body,
      'integration',
    );
    access.require({ id: null, name: body.name });
    const created = await audited(
      ctx.auditor,
      {
        eventId: 'integration-create',
        severityLevel: 'medium',
        request: req,
        meta: { name: body.name, integration_type: body.integration_type },
      },
      () => ctx.integrations.create(body as any),
      c => ({ id: c.id }),
    );
    ctx.logger.info('Integration created', {
      integration: created.id,
      type: created.integration_type,
      by: principalName(access.credentials),
    });
    res.status(201).json(view(created));
  });

  router.get('/v1/integrations', async (req, res) => {
    await authorize(req, itsmSyncReadPermission);
    res.json({ items: (await ctx.integrations.list()).map(view) });
  });

  router.get('/v1/integrations/:ref', async (req, res) => {
    await authorize(req, itsmSyncReadPermission);
    res.json(view(await ctx.integrations.resolve(req.params.ref)));
  });

  router.patch('/v1/integrations/:ref', async (req, res) => {
    const { integration, access } = await resources.managedIntegration(req);
    const body = parseInput(
      updateIntegrationRequestSchema,
      req.body,
      'integration update',
    );
    // A rename must stay in the caller's scope.
    if (body.name !== undefined)
      access.require({ id: integration.id, name: body.name });
    // Pointing credentials at a new host is how stored secrets would be exfiltrated: audited high, refused or not.
    const newOrigins = ctx.integrations.newCredentialOrigins(integration, body);
    const updated = await audited(
      ctx.auditor,
      {
        eventId: 'integration-update',
        severityLevel: newOrigins.length ? 'high' : 'medium',
        request: req,
        meta: {
          ref: req.params.ref,
          fields: Object.keys(body),
          ...(newOrigins.length ? { new_credential_origins: newOrigins } : {}),
        },
      },
      () => ctx.integrations.update(integration.id, body),
      u => ({ id: u.id }),
    );
    ctx.engine.wake();
    res.json(view(updated));
  });

  router.delete('/v1/integrations/:ref', async (req, res) => {
    const { integration } = await resources.managedIntegration(req);
    await audited(
      ctx.auditor,
      {
        eventId: 'integration-delete',
        severityLevel: 'high',
        request: req,
        meta: { ref: req.params.ref },
      },
      () => ctx.integrations.delete(integration.id),
      d => ({ id: d.id }),
    );
    res.status(204).end();
  });

  router.post('/v1/integrations/:ref/test', async (req, res) => {
    const { integration } = await resources.managedIntegration(req);
    const started = Date.now();
    const result = await ctx.integrations.test(integration, ctx.logger);
    res.json({
      ...result,
      integration_id: integration.id,
      duration_ms: Date.now() - started,
    });
  });

  router.get('/v1/integrations/:ref/field-ownership', async (req, res) => {
    await authorize(req, itsmSyncReadPermission);
    const integration = await ctx.integrations.resolve(req.params.ref);
    res.json({
      integration_id: integration.id,
      items: await ctx.integrations.rules(integration.id),
    });
  });

  router.put(
    '/v1/integrations/:ref/field-ownership/:field',
    async (req, res) => {
      const { integration } = await resources.managedIntegration(req);
      const field = parseInput(fieldNameSchema, req.params.field, 'field name');
      const body = parseInput(
        fieldOwnershipRuleRequestSchema,
        req.body,
        'field ownership rule',
      );
      const items = await audited(
        ctx.auditor,
        {
          eventId: 'field-ownership-set',
          request: req,
          meta: {
            ref: req.params.ref,
            field,
            owner: body.owner,
            priority: body.priority,
          },
        },
        () =>
          ctx.integrations.putRule(integration.id, {
            field,
            owner: body.owner,
            priority: body.priority,
          }),
      );
      res.json({ items, rule: items.find(r => r.field === field) });
    },
  );

  router.delete(
    '/v1/integrations/:ref/field-ownership/:field',
    async (req, res) => {
      const { integration } = await resources.managedIntegration(req);
      const field = parseInput(fieldNameSchema, req.params.field, 'field name');
      const items = await audited(
        ctx.auditor,
        {
          eventId: 'field-ownership-delete',
          request: req,
          meta: { ref: req.params.ref, field },
        },
        () => ctx.integrations.deleteRule(integration.id, field),
      );
      res.json({ items });
    },
  );
}
