import type { Router } from 'express';
import {
  InputError,
  isError,
  NotFoundError,
  ServiceUnavailableError,
  toError,
} from '@backstage/errors';
import { itsmSyncReadPermission } from '@itsm-sync-hub/plugin-itsm-sync-common';
import { ConnectorError } from '@itsm-sync-hub/plugin-itsm-sync-node';
import { createAuthorizer, createResourceAuthorizer } from './authorize';
import { linkResponse } from './responses';
import { listLimit } from './validation';
import type { RouterContext } from './RouterContext';

/** Sync status, links and the dead-letter queue of an integration. */
export function addSyncRoutes(router: Router, ctx: RouterContext) {
  const authorize = createAuthorizer(ctx);
  const resources = createResourceAuthorizer(ctx);

  router.get('/v1/integrations/:ref/sync-status', async (req, res) => {
    await authorize(req, itsmSyncReadPermission);
    const integration = await ctx.integrations.resolve(req.params.ref);
    res.json(await ctx.engine.status.status(integration));
  });

  router.get('/v1/integrations/:ref/links', async (req, res) => {
    await authorize(req, itsmSyncReadPermission);
    const integration = await ctx.integrations.resolve(req.params.ref);
    const limit = listLimit(req.query, 500);
    const links = await ctx.integrations.links(integration.id, {
      limit,
      afterId:
        typeof req.query.after === 'string' ? req.query.after : undefined,
    });
    res.json({
      items: links.map(l => linkResponse(l, integration)),
      next: links.length === limit ? links[links.length - 1].id : null,
    });
  });

  // `im integration oncall` (docs/connectors/pagerduty.md#on-call): who is on call for a schedule, from the vendor.
  router.get('/v1/integrations/:ref/oncall', async (req, res) => {
    await authorize(req, itsmSyncReadPermission);
    const scheduleId =
      typeof req.query.schedule_id === 'string'
        ? req.query.schedule_id.trim()
        : '';
    if (!scheduleId)
      throw new InputError(
        'schedule_id is required, e.g. ?schedule_id=PABC123',
      );
    const integration = await ctx.integrations.resolve(req.params.ref);
    const connector = ctx.integrations.connectorFor(
      integration.integration_type,
    );
    if (!connector.listOncall) {
      throw new InputError(
        `${connector.displayName} integrations have no on-call schedules`,
      );
    }
    const items = await connector
      .listOncall(
        await ctx.integrations.connectorContext(integration, ctx.logger),
        scheduleId,
      )
      .catch(error => {
        // The vendor's answer, never a stack trace; connector errors carry no secrets. A
        // vendor's refusal (a schedule id it does not know) is the caller's 400.
        const message = `${connector.displayName} could not list on-call: ${toError(error).message}`;
        // A malformed schedule id is refused by the connector before any vendor call.
        if (isError(error) && error.name === 'InputError') throw error;
        if (error instanceof ConnectorError && error.kind === 'permanent')
          throw new InputError(message);
        throw new ServiceUnavailableError(message);
      });
    res.json({
      integration_id: integration.id,
      schedule_id: scheduleId,
      items,
    });
  });

  router.get('/v1/integrations/:ref/dlq', async (req, res) => {
    await authorize(req, itsmSyncReadPermission);
    const integration = await ctx.integrations.resolve(req.params.ref);
    const state =
      typeof req.query.state === 'string' ? req.query.state : undefined;
    const items = await ctx.engine.dlq.list(integration.id, state);
    // A vendor's full answer may echo anything it was sent or holds: managers only (README "Security").
    const full = await resources.mayManage(req, integration);
    res.json({
      items: full
        ? items
        : items.map(({ vendor_body: _hidden, ...entry }) => entry),
    });
  });

  for (const action of ['retry', 'discard'] as const) {
    router.post(
      `/v1/integrations/:ref/dlq/:entry/${action}`,
      async (req, res) => {
        const { integration } = await resources.managedIntegration(req);
        const audit = await ctx.auditor.createEvent({
          eventId: `dlq-${action}`,
          severityLevel: 'medium',
          request: req,
          meta: { integration: integration.id, entry: req.params.entry },
        });
        const done =
          action === 'retry'
            ? await ctx.engine.dlq.retry(integration.id, req.params.entry)
            : await ctx.engine.dlq.discard(integration.id, req.params.entry);
        if (!done) {
          const error = new NotFoundError(
            `No failed DLQ entry '${req.params.entry}' on integration '${integration.name}'`,
          );
          await audit.fail({ error });
          throw error;
        }
        await audit.success();
        if (action === 'retry') ctx.engine.wake();
        res.json(await ctx.engine.dlq.get(integration.id, req.params.entry));
      },
    );
  }
}
