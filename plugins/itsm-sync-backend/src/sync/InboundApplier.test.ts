import { TestDatabases } from '@backstage/backend-test-utils';
import type { NormalizedChange } from '@itsm-sync-hub/plugin-itsm-sync-node';
import { integrationRequest } from '../__testUtils__/integrationRequest';
import { inboundTestParts } from '../__testUtils__/inboundTestParts';
import { isPostgres } from '../store/dialect';
import { LinkRepository } from '../store/LinkRepository';
import type { SyncStore } from '../store/SyncStore';
import type { IntegrationRecord } from '../store/types';
import type { InboundApplier, InboundItem } from './InboundApplier';
import type { IntegrationService } from './IntegrationService';
import { knexOf } from '../store/__testUtils__/storeTestDatabases';

jest.setTimeout(30_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });
const clock = { now: () => Date.now() };

/**
 * The applier between its read and its write: on Postgres the batch is decided on what
 * it read without a lock, so each test changes the incident in that gap and checks the
 * batch was applied to the incident as it is now, once. (SQLite always takes the locked
 * way; the same outcomes hold there.)
 */
describe.each(databases.eachSupportedId())(
  'InboundApplier on %s',
  databaseId => {
    let store: SyncStore;
    let integrations: IntegrationService;
    let applier: InboundApplier;
    let seq = 0;

    beforeAll(async () => {
      ({ store, integrations, applier } = await inboundTestParts(
        databases,
        databaseId,
        clock,
      ));
    });

    const integration = () =>
      integrations.create(integrationRequest({ name: `applier-${++seq}` }));

    /** An incident linked to a new ticket of `source`; the ticket's id. */
    async function linkedIncident(source: IntegrationRecord) {
      const ticket = `t-${++seq}`;
      const fields = {
        title: 'Disk full',
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
      return { id: incident.id, ticket };
    }

    /** A vendor change of a ticket, accepted into the inbox as the pipeline does before applying it. */
    async function accepted(
      source: IntegrationRecord,
      ticket: string,
      change: Partial<NormalizedChange>,
    ): Promise<InboundItem> {
      const full: NormalizedChange = {
        eventId: `e-${++seq}`,
        externalId: ticket,
        kind: 'updated',
        fields: {},
        occurredAt: new Date().toISOString(),
        ...change,
      };
      await store.deliveries.accept(source.id, full, clock.now());
      return { integration: source, change: full };
    }

    async function statementsOf<T>(
      fn: () => Promise<T>,
    ): Promise<{ value: T; statements: string[] }> {
      const statements: string[] = [];
      const listener = (q: { sql: string }) => statements.push(q.sql);
      knexOf(store).on('query', listener);
      try {
        return { value: await fn(), statements };
      } finally {
        knexOf(store).off('query', listener);
      }
    }

    it('writes a batch nobody changed since its read as read; on Postgres in one statement, with no transaction', async () => {
      const a = await integration();
      const { id, ticket } = await linkedIncident(a);
      const items = [
        await accepted(a, ticket, { fields: { status: 'mitigated' } }),
        await accepted(a, ticket, { kind: 'note', note: { text: 'on it' } }),
      ];
      const prepared = await applier.prepare(items);

      const { value, statements } = await statementsOf(() =>
        applier.applyBatch(items, prepared),
      );

      expect(value.outcomes).toEqual(['applied', 'applied']);
      // Postgres: the write alone (the read was `prepare`'s); SQLite: the locked way, one transaction.
      const shape = {
        transactions: statements.filter(sql => sql === 'BEGIN;').length,
        oneStatement: statements.length === 1,
      };
      expect(shape).toEqual(
        isPostgres(knexOf(store))
          ? { transactions: 0, oneStatement: true }
          : { transactions: 1, oneStatement: false },
      );
      expect(await store.incidents.get(id)).toMatchObject({
        status: 'mitigated',
        version: 2,
      });
      expect((await store.incidents.timeline(id)).map(e => e.text)).toEqual([
        'on it',
      ]);
      expect(await store.deliveries.count(a.id, 'applied')).toBe(2);
      expect((await store.metrics.read(a.id)).inbound_success).toBe(2);
      expect(
        (await store.links.byExternalId(a.id, ticket))!.last_written,
      ).toMatchObject({ status: 'mitigated' });
    });

    it('applies a batch whose incident another writer changed after the read to the incident as that writer left it, once', async () => {
      const a = await integration();
      const { id, ticket } = await linkedIncident(a);
      const items = [
        await accepted(a, ticket, {
          fields: { status: 'mitigated' },
          note: { text: 'paging' },
        }),
      ];
      const prepared = await applier.prepare(items);
      await store.incidents.update(
        id,
        { title: 'Disk full on db-1' },
        { now: clock.now(), source: 'platform', plan: () => [] },
      );

      const { outcomes } = await applier.applyBatch(items, prepared);

      expect(outcomes).toEqual(['applied']);
      // The platform's title survives (a write from the stale read would have put the old one back).
      expect(await store.incidents.get(id)).toMatchObject({
        title: 'Disk full on db-1',
        status: 'mitigated',
        version: 3,
      });
      expect((await store.incidents.timeline(id)).map(e => e.text)).toEqual([
        'paging',
      ]);
      expect(await store.deliveries.count(a.id, 'applied')).toBe(1);
      expect((await store.metrics.read(a.id)).inbound_success).toBe(1);
    });

    it('fans a change out to a link made after the read', async () => {
      const a = await integration();
      const b = await integration();
      const { id, ticket } = await linkedIncident(a);
      const items = [
        await accepted(a, ticket, { fields: { status: 'resolved' } }),
      ];
      const prepared = await applier.prepare(items);
      await LinkRepository.ensure(knexOf(store), id, b.id, clock.now(), {
        id: `b-${ticket}`,
      });

      await applier.applyBatch(items, prepared);

      expect(
        (await store.outbox.listFor(b.id, id)).map(r => r.payload),
      ).toEqual([{ changes: { status: 'resolved' } }]);
      expect(await store.incidents.get(id)).toMatchObject({
        status: 'resolved',
        version: 2,
      });
    });

    it('keeps what a delivery acknowledged after the read remembered on the link', async () => {
      const a = await integration();
      const { ticket } = await linkedIncident(a);
      const items = [
        await accepted(a, ticket, { fields: { status: 'mitigated' } }),
      ];
      const prepared = await applier.prepare(items);
      // The dispatcher records what it just wrote to the ticket (it takes no incident lock).
      const link = (await store.links.byExternalId(a.id, ticket))!;
      await store.links.recordDelivery(link.id, {
        written: { assigned_to: 'ops-oncall' },
        now: clock.now(),
      });

      await applier.applyBatch(items, prepared);

      expect(
        (await store.links.byExternalId(a.id, ticket))!.last_written,
      ).toMatchObject({ status: 'mitigated', assigned_to: 'ops-oncall' });
    });

    /** A vendor change of a ticket not yet in the inbox, as `acceptAndApply` takes it. */
    function arriving(
      ticket: string,
      change: Partial<NormalizedChange>,
    ): NormalizedChange {
      return {
        eventId: `e-${++seq}`,
        externalId: ticket,
        kind: 'updated',
        fields: {},
        occurredAt: new Date().toISOString(),
        ...change,
      };
    }

    it('stores and applies new changes in one statement on Postgres, their inbox rows written settled; SQLite leaves it to the long way', async () => {
      const a = await integration();
      const { id, ticket } = await linkedIncident(a);
      const items = [
        {
          integration: a,
          change: arriving(ticket, { fields: { status: 'mitigated' } }),
        },
        {
          integration: a,
          change: arriving(`unlinked-${seq}`, {
            fields: { status: 'resolved' },
          }),
        },
      ];
      const prepared = await applier.prepare(items);

      const { value, statements } = await statementsOf(() =>
        applier.acceptAndApply(items, prepared),
      );

      const rows = await knexOf(store)('webhook_deliveries')
        .where({ integration_id: a.id })
        .orderBy('status')
        .select('status', 'processed_at', 'attempts');
      const outcome = {
        value,
        statements: statements.length,
        incident: (await store.incidents.get(id))!.status,
        rows,
        success: (await store.metrics.read(a.id)).inbound_success ?? 0,
      };
      const settled = { processed_at: expect.anything(), attempts: 0 };
      expect(outcome).toEqual(
        isPostgres(knexOf(store))
          ? {
              value: { outcomes: ['applied', 'ignored'], enqueued: false },
              statements: 1,
              incident: 'mitigated',
              rows: [
                { status: 'applied', ...settled },
                { status: 'ignored', ...settled },
              ],
              success: 1,
            }
          : {
              value: undefined,
              statements: 0,
              incident: 'open',
              rows: [],
              success: 0,
            },
      );
    });

    it('writes nothing, not even the inbox rows, when an incident changed since the read or an event id is in the inbox already', async () => {
      const a = await integration();
      const first = await linkedIncident(a);
      const second = await linkedIncident(a);

      // The incident changed between the read and the write.
      const changed = [
        {
          integration: a,
          change: arriving(first.ticket, {
            fields: { status: 'mitigated' },
            note: { text: 'paging' },
          }),
        },
      ];
      const readBefore = await applier.prepare(changed);
      await store.incidents.update(
        first.id,
        { title: 'Disk full on db-1' },
        { now: clock.now(), source: 'platform', plan: () => [] },
      );
      expect(await applier.acceptAndApply(changed, readBefore)).toBeUndefined();

      // A repeat of a stored event id beside a new change: the new one is not applied either.
      const repeat = await accepted(a, second.ticket, {
        fields: { status: 'resolved' },
      });
      const mixed = [
        {
          integration: a,
          change: arriving(second.ticket, { note: { text: 'new' } }),
        },
        repeat,
      ];
      expect(
        await applier.acceptAndApply(mixed, await applier.prepare(mixed)),
      ).toBeUndefined();

      expect(await store.incidents.get(first.id)).toMatchObject({
        title: 'Disk full on db-1',
        status: 'open',
        version: 2,
      });
      expect(await store.incidents.get(second.id)).toMatchObject({
        status: 'open',
        version: 1,
      });
      expect(await store.incidents.timeline(first.id)).toEqual([]);
      expect(await store.incidents.timeline(second.id)).toEqual([]);
      // Only the repeat's own row, as it was stored: accepted and not yet applied.
      expect(
        await knexOf(store)('webhook_deliveries')
          .where({ integration_id: a.id })
          .select('event_id', 'status'),
      ).toEqual([{ event_id: repeat.change.eventId, status: 'accepted' }]);
      expect((await store.metrics.read(a.id)).inbound_success ?? 0).toBe(0);
    });

    it('tells routing, after the commit, of the incidents whose routed fields a vendor moved, and of no others', async () => {
      const a = await integration();
      const b = await integration();
      const moved = await linkedIncident(a);
      const reassigned = await linkedIncident(a);
      await LinkRepository.ensure(knexOf(store), moved.id, b.id, clock.now());
      const told: Array<{ id: string; status: string; linked: string[] }> = [];
      applier.onRoutedFieldsChanged(changed => {
        for (const c of changed)
          told.push({
            id: c.incident.id,
            status: c.incident.status,
            linked: [...c.linked].sort(),
          });
      });

      const items = [
        await accepted(a, moved.ticket, { fields: { status: 'mitigated' } }),
        await accepted(a, reassigned.ticket, {
          fields: { assigned_to: 'bob@example.com' },
        }),
      ];
      await applier.applyBatch(items, await applier.prepare(items));

      expect(told).toEqual([
        { id: moved.id, status: 'mitigated', linked: [a.id, b.id].sort() },
      ]);
      // Told only once the changes are stored, so routing reads what the vendor set.
      expect((await store.incidents.get(moved.id))!.status).toBe('mitigated');
      expect((await store.incidents.get(reassigned.id))!.assigned_to).toBe(
        'bob@example.com',
      );

      // The same status again moves nothing: routing is not asked.
      const again = [
        await accepted(a, moved.ticket, { fields: { status: 'mitigated' } }),
      ];
      await applier.applyBatch(again, await applier.prepare(again));
      expect(told).toHaveLength(1);
    });
  },
);
