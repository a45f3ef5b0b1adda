import { AuthenticationError, toError } from '@backstage/errors';
import { inboundTestParts } from '../__testUtils__/inboundTestParts';
import { integrationRequest } from '../__testUtils__/integrationRequest';
import { integrationSnapshots } from '../store/integrationSnapshots';
import { createHmac } from 'node:crypto';
import { TestDatabases } from '@backstage/backend-test-utils';
import type { WebhookRequest } from '@itsm-sync-hub/plugin-itsm-sync-node';
import { isPostgres } from '../store/dialect';
import { LinkRepository } from '../store/LinkRepository';
import type { SyncStore } from '../store/SyncStore';
import type { IntegrationRecord } from '../store/types';
import { InboundPipeline } from './InboundPipeline';
import type { IntegrationService } from './IntegrationService';
import { knexOf } from '../store/__testUtils__/storeTestDatabases';

jest.setTimeout(30_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });
const SECRET = 'whsec-batch-1';
const clock = { now: () => Date.now() };

function webhook(
  payload: Record<string, unknown>,
  secret = SECRET,
): WebhookRequest {
  const rawBody = Buffer.from(
    JSON.stringify({
      occurred_at: new Date().toISOString(),
      kind: 'updated',
      ...payload,
    }),
  );
  const signature = createHmac('sha256', secret).update(rawBody).digest('hex');
  return {
    rawBody,
    method: 'POST',
    url: '/',
    headers: {
      'content-type': 'application/json',
      'x-test-signature': `sha256=${signature}`,
    },
  };
}

describe.each(databases.eachSupportedId())(
  'InboundPipeline batches on %s',
  databaseId => {
    let store: SyncStore;
    let integrations: IntegrationService;
    let pipeline: InboundPipeline;
    let seq = 0;
    const wakes = { count: 0 };

    beforeAll(async () => {
      const parts = await inboundTestParts(databases, databaseId, clock);
      ({ store, integrations } = parts);
      pipeline = new InboundPipeline({
        store,
        connectors: parts.registry,
        integrations,
        applier: parts.applier,
        logger: parts.logger,
        clock,
        onEnqueued: () => (wakes.count += 1),
      });
    });

    function integration(
      overrides: Parameters<typeof integrationRequest>[0] = {},
    ): Promise<IntegrationRecord> {
      return integrations.create(
        integrationRequest({
          name: `batch-${++seq}`,
          webhook_secrets: [SECRET],
          ...overrides,
        }),
      );
    }

    /** Incidents linked to a new ticket of `source` each, and to a ticket of `other`. */
    async function linkedIncidents(
      source: IntegrationRecord,
      other: IntegrationRecord,
      count: number,
    ) {
      const out: Array<{ id: string; ticket: string }> = [];
      for (let n = 0; n < count; n++) {
        const ticket = `${source.id.slice(0, 8)}-${++seq}`;
        const fields = {
          title: `Incident ${n}`,
          description: '',
          severity: 'SEV-3' as const,
          status: 'open' as const,
          assigned_to: null,
          escalation_policy: null,
        };
        const incident = await store.incidents.create(
          { ...fields, entity_ref: null },
          {
            now: 1_000,
            source: 'platform',
            linkTo: [],
            plan: () => [],
            external: { integrationId: source.id, id: ticket, written: fields },
          },
        );
        await LinkRepository.ensure(
          knexOf(store),
          incident.id,
          other.id,
          1_000,
          { id: `other-${ticket}` },
        );
        out.push({ id: incident.id, ticket });
      }
      return out;
    }

    async function statementsOf(fn: () => Promise<unknown>): Promise<number> {
      let count = 0;
      const listener = () => (count += 1);
      knexOf(store).on('query', listener);
      try {
        await fn();
      } finally {
        knexOf(store).off('query', listener);
      }
      return count;
    }

    it('applies concurrent webhooks of one incident together, in arrival order, each seeing the one before', async () => {
      const a = await integration();
      const b = await integration();
      const [incident] = await linkedIncidents(a, b, 1);
      const results = await Promise.all([
        pipeline.receive(
          a.id,
          webhook({
            event_id: 'o-1',
            ticket_id: incident.ticket,
            changes: { status: 'mitigated' },
          }),
        ),
        pipeline.receive(
          a.id,
          webhook({
            event_id: 'o-2',
            ticket_id: incident.ticket,
            changes: { status: 'resolved' },
            note: 'fixed',
          }),
        ),
        pipeline.receive(
          a.id,
          webhook({
            event_id: 'o-3',
            ticket_id: incident.ticket,
            changes: { status: 'resolved', assigned_to: 'bob' },
          }),
        ),
      ]);
      expect(results).toEqual([
        {
          status: 'accepted',
          received: 1,
          duplicates: 0,
          applied: 1,
          ignored: 0,
        },
        {
          status: 'accepted',
          received: 1,
          duplicates: 0,
          applied: 1,
          ignored: 0,
        },
        {
          status: 'accepted',
          received: 1,
          duplicates: 0,
          applied: 1,
          ignored: 0,
        },
      ]);
      const after = (await store.incidents.get(incident.id))!;
      // Three changes, three versions; the third only changed assigned_to (status was already resolved).
      expect(after).toMatchObject({
        status: 'resolved',
        assigned_to: 'bob',
        version: 4,
      });
      expect(after.field_changes.status.source).toBe(`integration:${a.id}`);
      expect(
        (await store.incidents.timeline(incident.id)).map(e => [
          e.kind,
          e.text,
        ]),
      ).toEqual([['note', 'fixed']]);
      // Fanned out to the other integration in the order the changes arrived; assigned_to is its own (external) field.
      const rows = await store.outbox.listFor(b.id, incident.id);
      expect(rows.map(r => r.payload)).toEqual([
        { changes: { status: 'mitigated' } },
        {
          notes: [
            {
              text: 'fixed',
              visibility: 'internal',
              // Shown at the other vendor with where it was written; keyed by its event.
              origin: 'Test tickets (test)',
              key: `${a.id}:o-2`,
            },
          ],
        },
        { changes: { status: 'resolved' } },
      ]);
      expect(await store.outbox.listFor(a.id, incident.id)).toEqual([]);
      const link = (await store.links.byExternalId(a.id, incident.ticket))!;
      expect(link.last_written).toMatchObject({
        status: 'resolved',
        assigned_to: 'bob',
      });
      expect(await store.deliveries.count(a.id, 'applied')).toBe(3);
      expect((await store.metrics.read(a.id)).inbound_success).toBe(3);
    });

    it('costs the same number of statements for 10 or 30 webhooks arriving together', async () => {
      const a = await integration();
      const b = await integration();
      const burst = async (count: number, tag: string) => {
        const incidents = await linkedIncidents(a, b, 3);
        // Both bursts start without the integrations' settings and rules in memory.
        integrationSnapshots(knexOf(store)).forget();
        return statementsOf(() =>
          Promise.all(
            Array.from({ length: count }, (_, n) =>
              pipeline.receive(
                a.id,
                webhook({
                  event_id: `${tag}-${n}`,
                  ticket_id: incidents[n % 3].ticket,
                  changes: { status: n % 2 ? 'mitigated' : 'resolved' },
                  note: `note ${n}`,
                }),
              ),
            ),
          ).then(results =>
            expect(results.every(r => r.applied === 1)).toBe(true),
          ),
        );
      };
      const ten = await burst(10, 'ten');
      const thirty = await burst(30, 'thirty');
      expect(thirty).toBe(ten);
      // Integration lookup and token hashes, the inbox insert, and one apply transaction
      // (loads, inserts, an UPDATE per incident and per link, inbox settle, counters).
      expect(ten).toBeLessThanOrEqual(22);
    });

    it('applies an event id repeated inside one batch once and counts the repeat as a duplicate', async () => {
      const a = await integration();
      const b = await integration();
      const [incident] = await linkedIncidents(a, b, 1);
      const same = {
        event_id: 'dup-1',
        ticket_id: incident.ticket,
        changes: { status: 'mitigated' },
        note: 'once',
      };
      const results = await Promise.all([
        pipeline.receive(a.id, webhook(same)),
        pipeline.receive(a.id, webhook(same)),
      ]);
      expect(results).toEqual([
        {
          status: 'accepted',
          received: 1,
          duplicates: 0,
          applied: 1,
          ignored: 0,
        },
        {
          status: 'accepted',
          received: 1,
          duplicates: 1,
          applied: 0,
          ignored: 0,
        },
      ]);
      expect(await pipeline.receive(a.id, webhook(same))).toEqual({
        status: 'accepted',
        received: 1,
        duplicates: 1,
        applied: 0,
        ignored: 0,
      });
      expect(await store.incidents.timeline(incident.id)).toHaveLength(1);
      expect((await store.incidents.get(incident.id))!.version).toBe(2);
      expect(await store.deliveries.count(a.id)).toBe(1);
    });

    it('applies a new change arriving beside a repeat of a stored one once, and the repeat not again', async () => {
      const a = await integration();
      const b = await integration();
      const [incident] = await linkedIncidents(a, b, 1);
      const stored = {
        event_id: 'stored-1',
        ticket_id: incident.ticket,
        note: 'first',
      };
      expect(await pipeline.receive(a.id, webhook(stored))).toEqual({
        status: 'accepted',
        received: 1,
        duplicates: 0,
        applied: 1,
        ignored: 0,
      });

      const results = await Promise.all([
        pipeline.receive(a.id, webhook(stored)),
        pipeline.receive(
          a.id,
          webhook({
            event_id: 'new-1',
            ticket_id: incident.ticket,
            changes: { status: 'mitigated' },
            note: 'second',
          }),
        ),
      ]);

      expect(results).toEqual([
        {
          status: 'accepted',
          received: 1,
          duplicates: 1,
          applied: 0,
          ignored: 0,
        },
        {
          status: 'accepted',
          received: 1,
          duplicates: 0,
          applied: 1,
          ignored: 0,
        },
      ]);
      expect(
        (await store.incidents.timeline(incident.id)).map(e => e.text),
      ).toEqual(['first', 'second']);
      expect(await store.incidents.get(incident.id)).toMatchObject({
        status: 'mitigated',
        version: 2,
      });
      expect(await store.deliveries.count(a.id, 'applied')).toBe(2);
      expect((await store.metrics.read(a.id)).inbound_success).toBe(2);
    });

    it('writes the inbox rows of new changes settled, never as accepted first, on Postgres', async () => {
      const a = await integration();
      const b = await integration();
      const incidents = await linkedIncidents(a, b, 2);
      const inboxWrites: string[] = [];
      const listener = (q: { sql: string }) => {
        if (
          /webhook_deliveries/.test(q.sql) &&
          /^\s*(insert|update|with)/i.test(q.sql)
        )
          inboxWrites.push(q.sql.replace(/\s+/g, ' ').slice(0, 40));
      };
      knexOf(store).on('query', listener);
      try {
        const results = await Promise.all(
          incidents.map((incident, n) =>
            pipeline.receive(
              a.id,
              webhook({
                event_id: `settled-${n}`,
                ticket_id: incident.ticket,
                note: `note ${n}`,
              }),
            ),
          ),
        );
        expect(results.every(r => r.applied === 1)).toBe(true);
      } finally {
        knexOf(store).off('query', listener);
      }
      // Postgres: the one statement that stores and applies; SQLite: the inbox insert, then the settle in the apply.
      expect(inboxWrites.map(sql => sql.split(' ')[0].toUpperCase())).toEqual(
        isPostgres(knexOf(store)) ? ['WITH'] : ['INSERT', 'UPDATE'],
      );
      expect(await store.deliveries.count(a.id, 'applied')).toBe(2);
    });

    it('keeps a change that cannot be applied in the inbox without failing the others of its batch', async () => {
      const a = await integration();
      const b = await integration();
      const [one, two] = await linkedIncidents(a, b, 2);
      const wakesBefore = wakes.count;
      const results = await Promise.all([
        pipeline.receive(
          a.id,
          webhook({
            event_id: 'ok-1',
            ticket_id: one.ticket,
            changes: { status: 'mitigated' },
          }),
        ),
        // A value no status column takes: the batch transaction fails, then each change is applied alone.
        pipeline.receive(
          a.id,
          webhook({
            event_id: 'poison',
            ticket_id: two.ticket,
            changes: { status: { not: 'a status'.repeat(5) } },
          }),
        ),
        pipeline.receive(
          a.id,
          webhook({
            event_id: 'ok-2',
            ticket_id: two.ticket,
            note: 'still here',
          }),
        ),
      ]);
      expect(results.map(r => r.applied)).toEqual([1, 0, 1]);
      expect((await store.incidents.get(one.id))!.status).toBe('mitigated');
      expect((await store.incidents.get(two.id))!.status).toBe('open');
      expect(await store.incidents.timeline(two.id)).toHaveLength(1);
      expect(await store.deliveries.count(a.id, 'applied')).toBe(2);
      const [left] = await knexOf(store)('webhook_deliveries').where({
        integration_id: a.id,
        status: 'accepted',
      });
      expect(left).toMatchObject({ event_id: 'poison' });
      expect(Number(left.attempts)).toBe(1);
      expect(await store.metrics.read(a.id)).toMatchObject({
        inbound_success: 2,
        inbound_failed: 1,
      });
      expect(wakes.count).toBeGreaterThan(wakesBefore);
    });

    it('answers each webhook of a batch on its own: refused, unknown, ignored and applied side by side', async () => {
      const a = await integration();
      const b = await integration();
      const off = await integration({ enabled: false });
      const [incident] = await linkedIncidents(a, b, 1);
      const settled = await Promise.allSettled([
        pipeline.receive(
          a.id,
          webhook(
            {
              event_id: 'forged',
              ticket_id: incident.ticket,
              changes: { status: 'closed' },
            },
            'wrong-secret',
          ),
        ),
        pipeline.receive(
          'no-such-integration',
          webhook({ event_id: 'x', ticket_id: incident.ticket }),
        ),
        pipeline.receive(a.id, webhook({ no: 'event id' })),
        pipeline.receive(
          off.id,
          webhook({
            event_id: 'off-1',
            ticket_id: incident.ticket,
            changes: { status: 'closed' },
          }),
        ),
        pipeline.receive(
          a.id,
          webhook({
            event_id: 'good',
            ticket_id: incident.ticket,
            changes: { status: 'mitigated' },
          }),
        ),
      ]);
      const reasons = settled.map(s =>
        s.status === 'rejected' ? toError(s.reason).name : s.value,
      );
      expect(reasons).toEqual([
        'AuthenticationError',
        // An unknown integration is refused like a bad signature (the route answers both alike).
        'AuthenticationError',
        'InputError',
        {
          status: 'ignored',
          reason: 'integration is disabled',
          received: 1,
          duplicates: 0,
          applied: 0,
          ignored: 1,
        },
        {
          status: 'accepted',
          received: 1,
          duplicates: 0,
          applied: 1,
          ignored: 0,
        },
      ]);
      expect((settled[0] as PromiseRejectedResult).reason).toBeInstanceOf(
        AuthenticationError,
      );
      expect((await store.incidents.get(incident.id))!.status).toBe(
        'mitigated',
      );
      expect(await store.deliveries.count(off.id)).toBe(0);
      expect(await store.deliveries.count(a.id)).toBe(1);
    });

    it('acknowledges an event the connector does not act on, counts it per event type and reason, and stores nothing else', async () => {
      const a = await integration();
      const b = await integration();
      const [incident] = await linkedIncidents(a, b, 1);
      const ignoredEvent = (eventId: string) =>
        webhook({
          event_id: eventId,
          ticket_id: incident.ticket,
          event_type: 'test.workflow.started',
          ignored_reason: 'workflows are not synced',
        });
      const results = await Promise.all([
        pipeline.receive(a.id, ignoredEvent('w-1')),
        pipeline.receive(a.id, ignoredEvent('w-2')),
        pipeline.receive(
          a.id,
          webhook({
            event_id: 'w-3',
            ticket_id: incident.ticket,
            changes: { status: 'mitigated' },
          }),
        ),
      ]);
      expect(results).toEqual([
        {
          status: 'ignored',
          reason: 'test.workflow.started: workflows are not synced',
          received: 0,
          duplicates: 0,
          applied: 0,
          ignored: 1,
        },
        {
          status: 'ignored',
          reason: 'test.workflow.started: workflows are not synced',
          received: 0,
          duplicates: 0,
          applied: 0,
          ignored: 1,
        },
        {
          status: 'accepted',
          received: 1,
          duplicates: 0,
          applied: 1,
          ignored: 0,
        },
      ]);
      const [counted] = await store.ignoredEvents.list(a.id);
      expect(counted).toMatchObject({
        event_type: 'test.workflow.started',
        reason: 'workflows are not synced',
        count: 2,
        last_external_id: incident.ticket,
      });
      expect(['w-1', 'w-2']).toContain(counted.last_event_id);
      expect(await store.deliveries.count(a.id)).toBe(1);
      expect(await store.ignoredEvents.list(b.id)).toEqual([]);

      await pipeline.receive(a.id, ignoredEvent('w-4'));
      expect((await store.ignoredEvents.list(a.id))[0]).toMatchObject({
        count: 3,
        last_event_id: 'w-4',
      });
    });

    it('checks an ignored event on the test route without counting it', async () => {
      const a = await integration();
      const request = webhook({
        event_id: 't-1',
        ticket_id: 'x',
        event_type: 'test.ping',
        ignored_reason: 'a test delivery',
      });
      expect(await pipeline.test(a.id, request)).toEqual({
        valid: true,
        changes: 0,
        ignored: [{ event_type: 'test.ping', reason: 'a test delivery' }],
      });
      expect(await store.ignoredEvents.list(a.id)).toEqual([]);
    });

    it('creates one incident for a new ticket whose later change arrives in the same batch', async () => {
      const a = await integration();
      const ticket = {
        id: `new-${seq}`,
        title: 'Born at the vendor',
        description: '',
        severity: 'SEV-2',
        status: 'open',
        assigned_to: null,
        notes: [],
        updated_at: new Date().toISOString(),
      };
      const results = await Promise.all([
        pipeline.receive(
          a.id,
          webhook({
            event_id: 'c-1',
            kind: 'created',
            ticket_id: ticket.id,
            ticket,
            changes: { title: ticket.title },
          }),
        ),
        pipeline.receive(
          a.id,
          webhook({
            event_id: 'c-2',
            ticket_id: ticket.id,
            changes: { assigned_to: 'dana' },
          }),
        ),
      ]);
      expect(results.map(r => r.applied)).toEqual([1, 1]);
      const links = await knexOf(store)('links').where({
        integration_id: a.id,
        external_id: ticket.id,
      });
      expect(links).toHaveLength(1);
      const incident = (await store.incidents.get(links[0].incident_id))!;
      expect(incident).toMatchObject({
        title: 'Born at the vendor',
        severity: 'SEV-2',
        assigned_to: 'dana',
        version: 2,
      });
    });

    it('sweeps inbox rows left accepted and applies them as one batch', async () => {
      const a = await integration();
      const b = await integration();
      const [one, two] = await linkedIncidents(a, b, 2);
      const old = Date.now() - 60_000;
      const change = (
        eventId: string,
        ticket: string,
        status: 'mitigated' | 'resolved',
      ) =>
        ({
          eventId,
          externalId: ticket,
          kind: 'updated',
          fields: { status },
          occurredAt: new Date(old).toISOString(),
        }) as const;
      await store.deliveries.accept(
        a.id,
        change('s-1', one.ticket, 'mitigated'),
        old,
      );
      await store.deliveries.accept(
        a.id,
        change('s-2', two.ticket, 'resolved'),
        old,
      );
      expect(await pipeline.sweep('sweeper-1')).toBe(2);
      expect((await store.incidents.get(one.id))!.status).toBe('mitigated');
      expect((await store.incidents.get(two.id))!.status).toBe('resolved');
      expect(await store.deliveries.count(a.id, 'applied')).toBe(2);
      expect(await pipeline.sweep('sweeper-1')).toBe(0);
    });
  },
);
