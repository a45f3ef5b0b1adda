import type { Request, Response, Router } from 'express';
import { NotFoundError } from '@backstage/errors';
import {
  intervalToSeconds,
  itsmSyncReadPermission,
  reconcileRequestSchema,
  reconcileScheduleRequestSchema,
  type ReconcileRunResponse,
} from '@itsm-sync-hub/plugin-itsm-sync-common';
import type {
  ReconcileRunRecord,
  ReconcileScheduleRecord,
} from '../store/ReconcileRepository';
import { iso, isoOrNull } from '../store/rows';
import { createAuthorizer, createResourceAuthorizer } from './authorize';
import type { RouterContext } from './RouterContext';
import { listLimit, parseInput } from './validation';

function reconcileRunResponse(r: ReconcileRunRecord): ReconcileRunResponse {
  return {
    id: r.id,
    integration_id: r.integration_id,
    dry_run: r.dry_run,
    auto_heal: r.auto_heal,
    trigger: r.trigger,
    status: r.status,
    checked: r.checked,
    discrepancies_found: r.discrepancies_found,
    healed: r.healed,
    discrepancies: r.discrepancies,
    error: r.error,
    started_at: iso(r.started_at),
    finished_at: isoOrNull(r.finished_at),
    duration_ms: r.finished_at === null ? null : r.finished_at - r.started_at,
  };
}

function reconcileScheduleResponse(s: ReconcileScheduleRecord) {
  return {
    integration_id: s.integration_id,
    interval_seconds: s.interval_seconds,
    auto_heal: s.auto_heal,
    enabled: s.enabled,
    next_run_at: iso(s.next_run_at),
    last_run_at: isoOrNull(s.last_run_at),
    updated_at: iso(s.updated_at),
  };
}

/** `Accept: application/x-ndjson` or `?stream=true` asks for progress lines. */
function wantsStream(req: Request): boolean {
  return (
    req.query.stream === 'true' ||
    (req.headers.accept ?? '').includes('application/x-ndjson')
  );
}

function writeLine(res: Response, line: unknown) {
  res.write(`${JSON.stringify(line)}\n`);
}

/**
 * Drift reconcile: run now (dry-run or auto-heal, answered as JSON or streamed as
 * NDJSON progress lines), the history of runs, and the schedule.
 */
export function addReconcileRoutes(router: Router, ctx: RouterContext) {
  const authorize = createAuthorizer(ctx);
  const resources = createResourceAuthorizer(ctx);

  router.post('/v1/integrations/:ref/reconcile', async (req, res) => {
    const access = await resources.manageIntegration(req);
    // The schema makes `{auto_heal: true}` alone a healing run.
    const body = parseInput(
      reconcileRequestSchema,
      req.body ?? {},
      'reconcile request',
    );
    const integration = await ctx.integrations.resolve(req.params.ref);
    access.require(integration);
    ctx.integrations.connectorFor(integration.integration_type);
    const audit = body.auto_heal
      ? await ctx.auditor.createEvent({
          eventId: 'reconcile-auto-heal',
          severityLevel: 'medium',
          request: req,
          meta: { integration: integration.id },
        })
      : undefined;
    const options = {
      dryRun: body.dry_run,
      autoHeal: body.auto_heal,
      trigger: 'manual' as const,
    };

    if (!wantsStream(req)) {
      const run = await ctx.engine.reconciler.run(integration, options);
      await audit?.success({ meta: { run: run.id, healed: run.healed } });
      res.json(reconcileRunResponse(run));
      return;
    }
    res.status(200).setHeader('content-type', 'application/x-ndjson');
    res.flushHeaders();
    const run = await ctx.engine.reconciler.run(integration, {
      ...options,
      onProgress: p =>
        writeLine(res, {
          type: 'progress',
          checked: p.checked,
          total: p.total,
        }),
    });
    await audit?.success({ meta: { run: run.id, healed: run.healed } });
    writeLine(res, { type: 'result', run: reconcileRunResponse(run) });
    res.end();
  });

  router.get('/v1/integrations/:ref/reconcile/history', async (req, res) => {
    await authorize(req, itsmSyncReadPermission);
    const integration = await ctx.integrations.resolve(req.params.ref);
    const limit = listLimit(req.query, 50);
    const runs = await ctx.engine.reconciler.history(integration.id, limit);
    res.json({ items: runs.map(reconcileRunResponse) });
  });

  router.get('/v1/integrations/:ref/reconcile/runs/:run', async (req, res) => {
    await authorize(req, itsmSyncReadPermission);
    const integration = await ctx.integrations.resolve(req.params.ref);
    const run = await ctx.engine.reconciler.getRun(req.params.run);
    if (!run || run.integration_id !== integration.id) {
      throw new NotFoundError(
        `No reconcile run '${req.params.run}' on integration '${integration.name}'`,
      );
    }
    res.json(reconcileRunResponse(run));
  });

  router.get('/v1/integrations/:ref/reconcile/schedule', async (req, res) => {
    await authorize(req, itsmSyncReadPermission);
    const integration = await ctx.integrations.resolve(req.params.ref);
    const schedule = await ctx.engine.reconcileSchedules.getSchedule(
      integration.id,
    );
    if (!schedule)
      throw new NotFoundError(
        `Integration '${integration.name}' has no reconcile schedule`,
      );
    res.json(reconcileScheduleResponse(schedule));
  });

  router.post('/v1/integrations/:ref/reconcile/schedule', async (req, res) => {
    const access = await resources.manageIntegration(req);
    const body = parseInput(
      reconcileScheduleRequestSchema,
      req.body ?? {},
      'reconcile schedule',
    );
    const integration = await ctx.integrations.resolve(req.params.ref);
    access.require(integration);
    const audit = await ctx.auditor.createEvent({
      eventId: 'reconcile-schedule-set',
      request: req,
      meta: {
        integration: integration.id,
        interval: body.interval,
        auto_heal: body.auto_heal,
        enabled: body.enabled,
      },
    });
    const schedule = await ctx.engine.reconcileSchedules.putSchedule(
      integration.id,
      {
        intervalSeconds: intervalToSeconds(body.interval),
        autoHeal: body.auto_heal,
        enabled: body.enabled,
      },
    );
    await audit.success();
    res.json(reconcileScheduleResponse(schedule));
  });
}
