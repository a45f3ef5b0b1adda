import type { Router } from 'express';
import {
  addNoteRequestSchema,
  createIncidentRequestSchema,
  incidentTraceQuerySchema,
  itsmSyncIncidentWritePermission,
  itsmSyncReadPermission,
  linkIncidentRequestSchema,
  listIncidentsQuerySchema,
  updateIncidentRequestSchema,
} from '@itsm-sync-hub/plugin-itsm-sync-common';
import { createAuthorizer, principalName } from './authorize';
import { parseInput } from './validation';
import type { RouterContext } from './RouterContext';
import { iso } from '../store/rows';

/** Platform incidents: create, read, change, notes, links. */
export function addIncidentRoutes(router: Router, ctx: RouterContext) {
  const authorize = createAuthorizer(ctx);

  router.post('/v1/incidents', async (req, res) => {
    await authorize(req, itsmSyncIncidentWritePermission);
    const body = parseInput(createIncidentRequestSchema, req.body, 'incident');
    res.status(201).json(await ctx.incidents.create(body as any));
  });

  router.get('/v1/incidents', async (req, res) => {
    await authorize(req, itsmSyncReadPermission);
    const query = parseInput(listIncidentsQuerySchema, req.query, 'query');
    res.json({ items: await ctx.incidents.list(query) });
  });

  router.get('/v1/incidents/:id', async (req, res) => {
    await authorize(req, itsmSyncReadPermission);
    res.json(await ctx.incidents.view(await ctx.incidents.get(req.params.id)));
  });

  router.patch('/v1/incidents/:id', async (req, res) => {
    await authorize(req, itsmSyncIncidentWritePermission);
    const body = parseInput(
      updateIncidentRequestSchema,
      req.body,
      'incident update',
    );
    res.json(await ctx.incidents.update(req.params.id, body));
  });

  router.post('/v1/incidents/:id/notes', async (req, res) => {
    const credentials = await authorize(req, itsmSyncIncidentWritePermission);
    const body = parseInput(addNoteRequestSchema, req.body, 'note');
    await ctx.incidents.addNote(req.params.id, {
      text: body.text,
      author: principalName(credentials),
      visibility: body.visibility,
    });
    res.status(201).json({ ok: true });
  });

  router.get('/v1/incidents/:id/timeline', async (req, res) => {
    await authorize(req, itsmSyncReadPermission);
    await ctx.incidents.get(req.params.id);
    const items = await ctx.incidents.timeline(req.params.id);
    res.json({
      items: items.map(e => ({ ...e, created_at: iso(e.created_at) })),
    });
  });

  router.get('/v1/incidents/:id/trace', async (req, res) => {
    await authorize(req, itsmSyncReadPermission);
    const { link } = parseInput(incidentTraceQuerySchema, req.query, 'query');
    res.json({ items: await ctx.incidents.trace(req.params.id, link) });
  });

  router.post('/v1/incidents/:id/links', async (req, res) => {
    await authorize(req, itsmSyncIncidentWritePermission);
    const body = parseInput(linkIncidentRequestSchema, req.body, 'link');
    res
      .status(201)
      .json(await ctx.incidents.link(req.params.id, body.integration));
  });
}
