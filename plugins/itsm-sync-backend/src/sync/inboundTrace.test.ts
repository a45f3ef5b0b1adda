import { TestDatabases } from '@backstage/backend-test-utils';
import type { NormalizedChange } from '@itsm-sync-hub/plugin-itsm-sync-node';
import { integrationRequest } from '../__testUtils__/integrationRequest';
import { inboundTestParts } from '../__testUtils__/inboundTestParts';
import type { SyncStore } from '../store/SyncStore';
import type { IntegrationRecord } from '../store/types';
import type { InboundApplier } from './InboundApplier';
import type { IntegrationService } from './IntegrationService';

jest.setTimeout(30_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });
const clock = { now: () => Date.now() };

const FIELDS = {
  title: 'Disk full',
  description: '',
  severity: 'SEV-3' as const,
  status: 'open' as const,
  assigned_to: null,
  escalation_policy: null,
};

/**
 * The sync trace of inbound changes (docs/sync-semantics.md#sync-trace): each field an
 * event carries is recorded with what the decision did and why, written with the batch
 * (on Postgres in its one statement, on SQLite in its transaction).
 */
describe.each(databases.eachSupportedId())(
  'inbound trace on %s',
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

    /** An integration of the test connector (title, description, severity owned by the platform). */
    const integration = (overrides: Record<string, unknown> = {}) =>
      integrations.create(
        integrationRequest({ name: `trace-${++seq}`, ...overrides }),
      );

    /** An incident linked to a ticket of `source`, whose last written values are `written`. */
    async function linkedIncident(
      source: IntegrationRecord,
      written: Record<string, unknown> = FIELDS,
    ) {
      const ticket = `t-${++seq}`;
      const incident = await store.incidents.create(
        { ...FIELDS, entity_ref: null },
        {
          now: 1_000,
          source: 'platform',
          linkTo: [],
          plan: () => [],
          external: { integrationId: source.id, id: ticket, written },
        },
      );
      return { id: incident.id, ticket };
    }

    async function apply(
      source: IntegrationRecord,
      ticket: string,
      change: Partial<NormalizedChange>,
    ) {
      const full: NormalizedChange = {
        eventId: `e-${++seq}`,
        externalId: ticket,
        kind: 'updated',
        fields: {},
        occurredAt: new Date().toISOString(),
        ...change,
      };
      await store.deliveries.accept(source.id, full, clock.now());
      await applier.applyBatch([{ integration: source, change: full }]);
      return full;
    }

    /** The field decisions of the incident's last trace entry. */
    async function lastFields(incidentId: string) {
      const entries = await store.trace.list(incidentId);
      return entries[entries.length - 1];
    }

    it('records an applied field and a field skipped because the platform owns it', async () => {
      const a = await integration();
      const { id, ticket } = await linkedIncident(a);
      const change = await apply(a, ticket, {
        fields: { status: 'mitigated', title: 'Vendor title' },
      });
      const entry = await lastFields(id);
      expect(entry).toMatchObject({
        incident_id: id,
        integration_id: a.id,
        direction: 'inbound',
        kind: 'event',
        source: `integration:${a.id}`,
        event_id: change.eventId,
        event_type: 'updated',
      });
      expect(entry.fields).toEqual(
        expect.arrayContaining([
          { field: 'status', outcome: 'applied', why: 'applied' },
          {
            field: 'title',
            outcome: 'skipped',
            reason: 'owner',
            why: 'the platform owns this field',
          },
        ]),
      );
      expect(Date.parse(entry.at)).not.toBeNaN();
    });

    it('records an echo of the hub’s own write', async () => {
      const a = await integration();
      const { id, ticket } = await linkedIncident(a, {
        ...FIELDS,
        status: 'mitigated',
      });
      // The hub wrote `mitigated` to the ticket; the platform moved on since.
      await store.incidents.update(
        id,
        { status: 'resolved' },
        { now: 2_000, source: 'platform', plan: () => [] },
      );
      await apply(a, ticket, { fields: { status: 'mitigated' } });
      expect((await lastFields(id)).fields).toEqual([
        {
          field: 'status',
          outcome: 'skipped',
          reason: 'echo',
          why: 'the value is what the hub last wrote to the ticket',
        },
      ]);
      expect((await store.incidents.get(id))!.status).toBe('resolved');
    });

    it('records a value the platform already has as unchanged', async () => {
      const a = await integration();
      // The ticket was last written `mitigated`; the platform still says `open`.
      const { id, ticket } = await linkedIncident(a, {
        ...FIELDS,
        status: 'mitigated',
      });
      await apply(a, ticket, { fields: { status: 'open' } });
      expect((await lastFields(id)).fields).toEqual([
        {
          field: 'status',
          outcome: 'skipped',
          reason: 'unchanged',
          why: 'the platform already has this value',
        },
      ]);
    });

    it('records a conflict queued for review with the platform change it met', async () => {
      const a = await integration({ conflict_strategy: 'manual-review' });
      const { id, ticket } = await linkedIncident(a);
      await store.incidents.update(
        id,
        { status: 'mitigated' },
        { now: clock.now(), source: 'platform', plan: () => [] },
      );
      await apply(a, ticket, { fields: { status: 'resolved' } });
      const [field] = (await lastFields(id)).fields;
      expect(field).toMatchObject({
        field: 'status',
        outcome: 'skipped',
        reason: 'conflict',
      });
      expect(field.why).toMatch(
        /platform changed it .* ms apart.*queued for review/,
      );
    });

    it('records a conflict the platform won under last-write-wins', async () => {
      const a = await integration({ conflict_strategy: 'last-write-wins' });
      const { id, ticket } = await linkedIncident(a);
      const now = clock.now();
      await store.incidents.update(
        id,
        { status: 'mitigated' },
        { now, source: 'platform', plan: () => [] },
      );
      // The vendor's change is older than the platform's, inside the window.
      await apply(a, ticket, {
        fields: { status: 'resolved' },
        occurredAt: new Date(now - 1_000).toISOString(),
      });
      const [field] = (await lastFields(id)).fields;
      expect(field).toMatchObject({
        field: 'status',
        outcome: 'skipped',
        reason: 'conflict',
      });
      expect(field.why).toMatch(/last-write-wins kept the platform's value/);
    });

    it('records a change older than the field’s last one as stale', async () => {
      const a = await integration();
      const { id, ticket } = await linkedIncident(a);
      await apply(a, ticket, {
        fields: { status: 'resolved' },
        occurredAt: '2026-12-01T10:00:00.000Z',
      });
      await apply(a, ticket, {
        fields: { status: 'mitigated' },
        occurredAt: '2026-12-01T09:00:00.000Z',
      });
      expect((await lastFields(id)).fields).toEqual([
        {
          field: 'status',
          outcome: 'skipped',
          reason: 'stale',
          why: 'the field changed later (2026-12-01T10:00:00.000Z)',
        },
      ]);
      expect((await store.incidents.get(id))!.status).toBe('resolved');
    });

    it('records a vendor note refused because the platform owns notes, and lists one link’s entries', async () => {
      const a = await integration();
      const b = await integration();
      await integrations.putRule(a.id, {
        field: 'notes',
        owner: 'platform',
        priority: 10,
      });
      const { id, ticket } = await linkedIncident(a);
      await apply(a, ticket, { kind: 'note', note: { text: 'on it' } });
      expect((await lastFields(id)).fields).toEqual([
        {
          field: 'notes',
          outcome: 'skipped',
          reason: 'owner',
          why: 'the platform owns notes',
        },
      ]);
      expect(await store.trace.list(id, { integrationId: b.id })).toEqual([]);
      expect(await store.trace.list(id, { integrationId: a.id })).toHaveLength(
        1,
      );
    });

    it('prunes entries older than the retention', async () => {
      const a = await integration();
      const { id, ticket } = await linkedIncident(a);
      await apply(a, ticket, { fields: { status: 'mitigated' } });
      expect(await store.trace.list(id)).toHaveLength(1);
      await store.trace.prune(clock.now() - 60_000);
      expect(await store.trace.list(id)).toHaveLength(1);
      await store.trace.prune(clock.now() + 1);
      expect(await store.trace.list(id)).toEqual([]);
    });
  },
);
