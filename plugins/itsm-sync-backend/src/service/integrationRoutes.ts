import type { Router } from 'express';
import {
  createIntegrationRequestSchema,
  fieldNameSchema,
  fieldOwnershipRuleRequestSchema,
  itsmSyncIntegrationManagePermission,
  itsmSyncReadPermission,
  updateIntegrationRequestSchema,
} from '@itsm-sync-hub/plugin-itsm-sync-common';
import { integrationResponse } from './responses';
import { createAuthorizer, principalName } from './authorize';
import { parseInput } from './validation';
import type { RouterContext } from './RouterContext';

/** Integration CRUD, connectivity test and field ownership. */
export function addIntegrationRoutes(router: Router, ctx: RouterContext) {
  const authorize = createAuthorizer(ctx);
  const view = (r: Parameters<typeof integrationResponse>[0]) => integrationResponse(r, ctx.baseUrl);

  router.post('/v1/integrations', async (req, res) => {
    const credentials = await authorize(req, itsmSyncIntegrationManagePermission);
    const body = parseInput(createIntegrationRequestSchema, req.body, 'integration');
    const audit = await ctx.auditor.createEvent({
      eventId: 'integration-create',
      severityLevel: 'medium',
      request: req,
      meta: { name: body.name, integration_type: body.integration_type },
    });
    try {
      const created = await ctx.integrations.create(body as any);
      await audit.success({ meta: { id: created.id } });
      ctx.logger.info('Integration created', { integration: created.id, type: created.integration_type, by: principalName(credentials) });
      res.status(201).json(view(created));
    } catch (error) {
      await audit.fail({ error: error as Error });
      throw error;
    }
  });

  router.get('/v1/integrations', async (req, res) => {
    await authorize(req, itsmSyncReadPermission);
    res.json({ items: (await ctx.store.integrations.list()).map(view) });
  });

  router.get('/v1/integrations/:ref', async (req, res) => {
    await authorize(req, itsmSyncReadPermission);
    res.json(view(await ctx.integrations.resolve(req.params.ref)));
  });

  router.patch('/v1/integrations/:ref', async (req, res) => {
    await authorize(req, itsmSyncIntegrationManagePermission);
    const body = parseInput(updateIntegrationRequestSchema, req.body, 'integration update');
    const audit = await ctx.auditor.createEvent({
      eventId: 'integration-update',
      severityLevel: 'medium',
      request: req,
      meta: { ref: req.params.ref, fields: Object.keys(body) },
    });
    try {
      const updated = await ctx.integrations.update(req.params.ref, body);
      await audit.success({ meta: { id: updated.id } });
      ctx.engine.wake();
      res.json(view(updated));
    } catch (error) {
      await audit.fail({ error: error as Error });
      throw error;
    }
  });

  router.delete('/v1/integrations/:ref', async (req, res) => {
    await authorize(req, itsmSyncIntegrationManagePermission);
    const audit = await ctx.auditor.createEvent({
      eventId: 'integration-delete',
      severityLevel: 'high',
      request: req,
      meta: { ref: req.params.ref },
    });
    try {
      const deleted = await ctx.integrations.delete(req.params.ref);
      await audit.success({ meta: { id: deleted.id } });
      res.status(204).end();
    } catch (error) {
      await audit.fail({ error: error as Error });
      throw error;
    }
  });

  router.post('/v1/integrations/:ref/test', async (req, res) => {
    await authorize(req, itsmSyncIntegrationManagePermission);
    const integration = await ctx.integrations.resolve(req.params.ref);
    const connector = ctx.integrations.connectorFor(integration.integration_type);
    const started = Date.now();
    const result = await connector
      .testConnection({ integration: await ctx.integrations.connectorIntegration(integration), logger: ctx.logger })
      .catch(e => ({ ok: false, message: (e as Error).message }));
    res.json({ ...result, integration_id: integration.id, duration_ms: Date.now() - started });
  });

  router.get('/v1/integrations/:ref/field-ownership', async (req, res) => {
    await authorize(req, itsmSyncReadPermission);
    const integration = await ctx.integrations.resolve(req.params.ref);
    res.json({ integration_id: integration.id, items: await ctx.store.integrations.rules(integration.id) });
  });

  router.put('/v1/integrations/:ref/field-ownership/:field', async (req, res) => {
    await authorize(req, itsmSyncIntegrationManagePermission);
    const field = parseInput(fieldNameSchema, req.params.field, 'field name');
    const body = parseInput(fieldOwnershipRuleRequestSchema, req.body, 'field ownership rule');
    const audit = await ctx.auditor.createEvent({
      eventId: 'field-ownership-set',
      request: req,
      meta: { ref: req.params.ref, field, owner: body.owner, priority: body.priority },
    });
    try {
      const items = await ctx.integrations.putRule(req.params.ref, { field, owner: body.owner, priority: body.priority });
      await audit.success();
      res.json({ items, rule: items.find(r => r.field === field) });
    } catch (error) {
      await audit.fail({ error: error as Error });
      throw error;
    }
  });
}
