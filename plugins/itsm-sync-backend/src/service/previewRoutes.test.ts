import { TestDatabases } from '@backstage/backend-test-utils';
import type { Knex } from 'knex';
import {
  eventually,
  startSyncTestBackend,
  type SyncTestBackend,
} from '../__testUtils__/syncTestBackend';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

/** Every row of every table, to prove a request wrote nothing. */
async function everyRow(knex: Knex): Promise<Record<string, unknown[]>> {
  const tables: string[] =
    knex.client.config.client === 'pg'
      ? (
          await knex.raw(
            `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`,
          )
        ).rows.map((r: { name: string }) => r.name)
      : (
          await knex.raw(
            `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`,
          )
        ).map((r: { name: string }) => r.name);
  const out: Record<string, unknown[]> = {};
  for (const table of tables.sort())
    out[table] = await knex(table).select().orderByRaw('1');
  return out;
}

/** docs/sync-semantics.md#preview: a draft's test run matches what applying it does. */
describe.each(databases.eachSupportedId())(
  'integration preview on %s',
  databaseId => {
    let hub: SyncTestBackend;

    beforeAll(async () => {
      hub = await startSyncTestBackend({ databases, databaseId });
    });
    afterAll(async () => {
      await hub?.stop();
    });

    async function incidentWithTicket(integration: string, title: string) {
      const created = await hub.api.post(`${hub.base}/v1/incidents`).send({
        title,
        severity: 'SEV-2',
        assigned_to: 'alice',
        integrations: [integration],
      });
      const incident = await eventually(async () => {
        const res = await hub.api.get(
          `${hub.base}/v1/incidents/${created.body.id}`,
        );
        return res.body.links[0]?.external_id &&
          res.body.links[0].sync_state === 'in_sync'
          ? res.body
          : undefined;
      }, 5000);
      return {
        id: incident.id as string,
        ticket: incident.links[0].external_id as string,
      };
    }

    /** The ticket changed at the vendor with no webhook (a missed delivery): drift. */
    function changedAtVendor(ticket: string, fields: Record<string, unknown>) {
      Object.assign(hub.vendor.tickets.get(ticket)!, fields, {
        updated_at: new Date().toISOString(),
      });
    }

    it('previews a draft ownership change, writing nothing, and applying it then does the same, field for field', async () => {
      const integration = await hub.createIntegration();
      const a = await incidentWithTicket(integration.name, 'Checkout latency');
      const b = await incidentWithTicket(integration.name, 'Payments down');
      changedAtVendor(a.ticket, {
        title: 'Checkout slow (vendor)',
        status: 'mitigated',
      });
      changedAtVendor(b.ticket, { assigned_to: 'bob', severity: 'SEV-1' });
      const draft = [
        { field: 'title', owner: 'external', priority: 20 },
        { field: 'assigned_to', owner: 'platform', priority: 20 },
      ];

      const rulesBefore = (
        await hub.api.get(
          `${hub.base}/v1/integrations/${integration.id}/field-ownership`,
        )
      ).body.items;
      const rowsBefore = await everyRow(hub.knex!);
      const writesBefore = hub.vendor.writes.length;
      const res = await hub.api
        .post(`${hub.base}/v1/integrations/${integration.name}/preview`)
        .send({
          field_ownership: draft,
          incidents: [a.id],
          tickets: [b.ticket],
        });
      expect(res.status).toBe(200);
      expect(await everyRow(hub.knex!)).toEqual(rowsBefore);
      expect(hub.vendor.writes.length).toBe(writesBefore);
      expect(
        (
          await hub.api.get(
            `${hub.base}/v1/integrations/${integration.id}/field-ownership`,
          )
        ).body.items,
      ).toEqual(rulesBefore);

      const preview = res.body;
      expect(preview.items.map((i: any) => i.incident_id)).toEqual([
        a.id,
        b.id,
      ]);
      const fieldOf = (incident: string, field: string) =>
        preview.items
          .find((i: any) => i.incident_id === incident)
          .fields.find((f: any) => f.field === field);
      // Stored: the platform owns title (pushed); the draft gives it to the vendor (pulled).
      expect(fieldOf(a.id, 'title')).toMatchObject({
        owner: { now: 'platform', draft: 'external' },
        action: { now: 'push_platform', draft: 'pull_external' },
        inbound: { now: 'Checkout latency', draft: 'Checkout slow (vendor)' },
        outbound: {
          now: 'Checkout slow (vendor)',
          draft: 'Checkout slow (vendor)',
          skipped: 'owner',
        },
      });
      expect(fieldOf(b.id, 'assigned_to')).toMatchObject({
        action: { now: 'pull_external', draft: 'push_platform' },
        outbound: { now: 'bob', draft: 'alice' },
        inbound: { now: 'alice', draft: 'alice', skipped: 'owner' },
      });
      expect(fieldOf(a.id, 'severity').inbound).toMatchObject({
        skipped: 'unchanged',
      });
      expect(fieldOf(a.id, 'status').inbound).toMatchObject({
        now: 'open',
        draft: 'mitigated',
      });

      // Apply the draft, then sync the two incidents as a reconcile with auto-heal does.
      for (const { field, owner, priority } of draft)
        await hub.api
          .put(
            `${hub.base}/v1/integrations/${integration.id}/field-ownership/${field}`,
          )
          .send({ owner, priority });
      const run = await hub.api
        .post(`${hub.base}/v1/integrations/${integration.id}/reconcile`)
        .send({ auto_heal: true });
      expect(run.body.status).toBe('succeeded');
      await eventually(async () => {
        const s = await hub.api.get(
          `${hub.base}/v1/integrations/${integration.id}/sync-status`,
        );
        return s.body.outbox_pending === 0;
      }, 5000);

      for (const item of preview.items) {
        const incident = (
          await hub.api.get(`${hub.base}/v1/incidents/${item.incident_id}`)
        ).body;
        const ticket = hub.vendor.tickets.get(
          item.external_id,
        )! as unknown as Record<string, unknown>;
        for (const f of item.fields) {
          expect({
            field: f.field,
            platform: incident[f.field] ?? null,
          }).toEqual({
            field: f.field,
            platform: f.inbound.draft ?? null,
          });
          expect({ field: f.field, ticket: ticket[f.field] ?? null }).toEqual({
            field: f.field,
            ticket: f.outbound.draft ?? null,
          });
        }
      }
    });

    it('refuses a draft naming nothing, an unknown incident or ticket, or an unknown key, and names the problem', async () => {
      const integration = await hub.createIntegration();
      const post = (body: unknown) =>
        hub.api
          .post(`${hub.base}/v1/integrations/${integration.id}/preview`)
          .send(body as object);
      const empty = await post({ field_ownership: [] });
      expect(empty.status).toBe(400);
      expect(empty.body.error.message).toMatch(
        /at least one incident or ticket/,
      );
      const unknown = await post({ incidents: ['nope'] });
      expect(unknown.status).toBe(400);
      expect(unknown.body.error.message).toMatch(
        /incident 'nope' has no ticket/,
      );
      const ticket = await post({ tickets: ['T-404'] });
      expect(ticket.status).toBe(400);
      expect(ticket.body.error.message).toMatch(/ticket 'T-404'/);
      const extra = await post({ incidents: ['x'], apply: true });
      expect(extra.status).toBe(400);
      expect(extra.body.error.message).toMatch(/apply/);
      const owner = await post({
        incidents: ['x'],
        field_ownership: [{ field: 'title', owner: 'nobody' }],
      });
      expect(owner.status).toBe(400);
      expect(owner.body.error.message).toMatch(/owner/);
    });
  },
);
