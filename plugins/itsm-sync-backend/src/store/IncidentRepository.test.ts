import {
  createStoreTestDatabases,
  emptyTables,
  givenIncident,
  givenIntegration,
  INCIDENT_VALUES,
  migratedStore,
  knexOf,
} from './__testUtils__/storeTestDatabases';
import type { OutboxPlanner } from './IncidentRepository';
import type { SyncStore } from './SyncStore';
import { LinkRepository } from './LinkRepository';

const databases = createStoreTestDatabases();
const T = 1_000_000;

/** One sync row per link, carrying the changes it was given. */
const planEveryLink: OutboxPlanner = ({ incident, changes, links }) =>
  links.map(({ integration }) => ({
    integration_id: integration.id,
    incident_id: incident.id,
    operation: 'sync',
    payload: { changes },
  }));

describe.each(databases.eachSupportedId())(
  'IncidentRepository on %s',
  databaseId => {
    let store: SyncStore;

    beforeAll(async () => {
      store = await migratedStore(databases, databaseId);
    });
    beforeEach(async () => {
      await emptyTables(knexOf(store));
    });

    it('creates an incident with its links and outbox rows in one go', async () => {
      const one = await givenIntegration(store, {}, [
        { field: 'assigned_to', owner: 'external', priority: 5 },
      ]);
      const two = await givenIntegration(store);
      let plannedWith: Parameters<OutboxPlanner>[0] | undefined;
      const incident = await store.incidents.create(INCIDENT_VALUES, {
        now: T,
        source: 'platform',
        linkTo: [one, two],
        plan: input => {
          plannedWith = input;
          return planEveryLink(input);
        },
      });

      expect(incident).toMatchObject({
        ...INCIDENT_VALUES,
        version: 1,
        created_at: T,
        updated_at: T,
      });
      // Creation is not an edit: no field carries a change mark yet (conflict detection).
      expect(incident.field_changes).toEqual({});
      expect(
        plannedWith!.links.map(l => [
          l.integration.id,
          l.link.external_id,
          l.rules,
        ]),
      ).toEqual([
        [
          one.id,
          null,
          [{ field: 'assigned_to', owner: 'external', priority: 5 }],
        ],
        [two.id, null, []],
      ]);
      expect(
        (await store.links.forIncident(incident.id)).map(l => l.sync_state),
      ).toEqual(['pending', 'pending']);
      expect(await store.outbox.pendingCount(one.id)).toBe(1);
      expect(await store.outbox.pendingCount(two.id)).toBe(1);
      expect(await store.incidents.get(incident.id)).toEqual(incident);
    });

    it('links a ticket that already exists when an inbound webhook creates the incident', async () => {
      const integration = await givenIntegration(store);
      const incident = await store.incidents.create(INCIDENT_VALUES, {
        now: T,
        source: `integration:${integration.id}`,
        linkTo: [],
        plan: () => [],
        external: {
          integrationId: integration.id,
          id: 'sys-1',
          key: 'INC0001',
          url: 'https://x/INC0001',
          written: { status: 'open' },
        },
      });
      expect(
        await store.links.byExternalId(integration.id, 'sys-1'),
      ).toMatchObject({
        incident_id: incident.id,
        external_key: 'INC0001',
        sync_state: 'in_sync',
        last_written: { status: 'open' },
      });
    });

    it('creates nothing when planning the outbox rows fails', async () => {
      const integration = await givenIntegration(store);
      await expect(
        store.incidents.create(INCIDENT_VALUES, {
          now: T,
          source: 'platform',
          linkTo: [integration],
          plan: () => {
            throw new Error('planner broke');
          },
        }),
      ).rejects.toThrow('planner broke');
      expect(await store.incidents.list({ limit: 10 })).toEqual([]);
      expect(await store.links.count(integration.id)).toBe(0);
    });

    it('updates only what changed, bumps the version, marks the fields, and writes the outbox rows', async () => {
      const integration = await givenIntegration(store);
      const created = await store.incidents.create(INCIDENT_VALUES, {
        now: T,
        source: 'platform',
        linkTo: [integration],
        plan: () => [],
      });

      const result = await store.incidents.update(
        created.id,
        {
          title: INCIDENT_VALUES.title,
          severity: 'SEV-1',
          assigned_to: 'alice',
        },
        { now: T + 5, source: 'integration:other', plan: planEveryLink },
      );
      expect(result!.changed).toEqual({
        severity: 'SEV-1',
        assigned_to: 'alice',
      });
      expect(result!.incident).toMatchObject({
        severity: 'SEV-1',
        assigned_to: 'alice',
        version: 2,
        updated_at: T + 5,
      });
      expect(result!.incident.field_changes.severity).toEqual({
        at: T + 5,
        source: 'integration:other',
      });
      expect(result!.incident.field_changes.title).toBeUndefined();
      const rows = await store.outbox.listFor(integration.id, created.id);
      expect(rows.map(r => r.payload)).toEqual([
        { changes: { severity: 'SEV-1', assigned_to: 'alice' } },
      ]);
    });

    it('writes nothing when nothing changed', async () => {
      const integration = await givenIntegration(store);
      const created = await store.incidents.create(INCIDENT_VALUES, {
        now: T,
        source: 'platform',
        linkTo: [integration],
        plan: () => [],
      });
      const plan = jest.fn(planEveryLink);
      const result = await store.incidents.update(
        created.id,
        { title: INCIDENT_VALUES.title, assigned_to: '' as any },
        { now: T + 5, source: 'platform', plan },
      );
      expect(result!.changed).toEqual({});
      expect(result!.incident.version).toBe(1);
      expect(plan).not.toHaveBeenCalled();
      expect(await store.outbox.pendingCount(integration.id)).toBe(0);
    });

    it('moves an incident to another entity without planning outbound rows', async () => {
      const created = await givenIncident(store);
      const plan = jest.fn(planEveryLink);
      const result = await store.incidents.update(
        created.id,
        { entity_ref: 'component:default/api' },
        { now: T, source: 'platform', plan },
      );
      expect(result!.incident).toMatchObject({
        entity_ref: 'component:default/api',
        version: 2,
      });
      expect(plan).not.toHaveBeenCalled();
      expect(
        (
          await store.incidents.list({
            entity_ref: 'component:default/api',
            limit: 10,
          })
        ).map(i => i.id),
      ).toEqual([created.id]);
    });

    it('returns undefined for an unknown incident', async () => {
      expect(
        await store.incidents.update(
          '00000000-0000-4000-8000-000000000000',
          { title: 'x' },
          { now: T, source: 'platform', plan: planEveryLink },
        ),
      ).toBeUndefined();
    });

    it('rolls the change back with its outbox rows when the transaction fails after the update', async () => {
      const integration = await givenIntegration(store);
      const created = await store.incidents.create(INCIDENT_VALUES, {
        now: T,
        source: 'platform',
        linkTo: [integration],
        plan: () => [],
      });
      await expect(
        knexOf(store).transaction(async tx => {
          await store.incidents.update(
            created.id,
            { title: 'Changed' },
            { now: T + 1, source: 'platform', plan: planEveryLink, tx },
          );
          throw new Error('crash after the update');
        }),
      ).rejects.toThrow('crash after the update');
      expect(await store.incidents.get(created.id)).toMatchObject({
        title: INCIDENT_VALUES.title,
        version: 1,
      });
      expect(await store.outbox.pendingCount(integration.id)).toBe(0);
    });

    it('rolls the change back when planning fails', async () => {
      const integration = await givenIntegration(store);
      const created = await store.incidents.create(INCIDENT_VALUES, {
        now: T,
        source: 'platform',
        linkTo: [integration],
        plan: () => [],
      });
      await expect(
        store.incidents.update(
          created.id,
          { title: 'Changed' },
          {
            now: T + 1,
            source: 'platform',
            plan: () => {
              throw new Error('planner broke');
            },
          },
        ),
      ).rejects.toThrow('planner broke');
      expect(await store.incidents.get(created.id)).toMatchObject({
        title: INCIDENT_VALUES.title,
        version: 1,
      });
    });

    it('serialises concurrent updates of one incident: no version is lost', async () => {
      const created = await givenIncident(store);
      await Promise.all(
        ['SEV-1', 'SEV-3', 'SEV-4', 'SEV-1', 'SEV-3'].map((severity, i) =>
          store.incidents.update(
            created.id,
            { severity: severity as any, title: `t${i}` },
            { now: T + i, source: 'platform', plan: () => [] },
          ),
        ),
      );
      expect((await store.incidents.get(created.id))!.version).toBe(6);
    });

    it('keeps concurrent changes of one incident whole and their outbox rows in the order of their versions', async () => {
      const integration = await givenIntegration(store);
      const created = await givenIncident(store);
      await LinkRepository.ensure(knexOf(store), created.id, integration.id, T);
      // Twenty batches at once on one incident: on Postgres most read the same version, one
      // writes it, and the others apply their change again under the lock.
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, n) =>
          store.incidents.updateMany(
            [
              {
                id: created.id,
                changes: { title: `t${n}` },
                source: 'platform',
                plan: planEveryLink,
              },
            ],
            { now: T + n },
          ),
        ),
      );
      const versions = results.map(([r]) => r!.incident.version);
      expect([...versions].sort((a, b) => a - b)).toEqual(
        Array.from({ length: 20 }, (_, n) => n + 2),
      );
      const byVersion = results
        .map(([r]) => r!)
        .sort((a, b) => a.incident.version - b.incident.version);
      expect(
        (await store.outbox.listFor(integration.id)).map(
          r => r.payload.changes?.title,
        ),
      ).toEqual(byVersion.map(r => r.incident.title));
      expect(await store.incidents.get(created.id)).toMatchObject({
        version: 21,
        title: byVersion[19].incident.title,
      });
    });

    it('applies a batch of changes in order in one transaction, each result showing its own change', async () => {
      const integration = await givenIntegration(store);
      const a = await givenIncident(store);
      const b = await givenIncident(store);
      await LinkRepository.ensure(knexOf(store), a.id, integration.id, T);
      const missing = '00000000-0000-4000-8000-000000000000';
      const statements: string[] = [];
      const onQuery = (q: { sql: string }) => statements.push(q.sql);
      knexOf(store).on('query', onQuery);
      const results = await store.incidents.updateMany(
        [
          {
            id: a.id,
            changes: { title: 'first' },
            source: 'platform',
            plan: planEveryLink,
          },
          {
            id: missing,
            changes: { title: 'nobody' },
            source: 'platform',
            plan: planEveryLink,
          },
          {
            id: b.id,
            changes: { severity: 'SEV-1' },
            source: 'platform',
            plan: planEveryLink,
          },
          {
            id: a.id,
            changes: { title: 'second', status: 'mitigated' },
            source: 'platform',
            plan: planEveryLink,
          },
        ],
        { now: T + 10 },
      );
      knexOf(store).off('query', onQuery);

      expect(results[1]).toBeUndefined();
      expect(results[0]).toMatchObject({
        incident: { title: 'first', version: 2 },
        changed: { title: 'first' },
      });
      expect(results[3]).toMatchObject({
        incident: { title: 'second', status: 'mitigated', version: 3 },
        changed: { title: 'second', status: 'mitigated' },
      });
      expect(results[0]!.links.map(l => l.integration.id)).toEqual([
        integration.id,
      ]);
      expect(results[2]!.links).toEqual([]);
      expect(await store.incidents.get(a.id)).toMatchObject({
        title: 'second',
        status: 'mitigated',
        version: 3,
        updated_at: T + 10,
      });
      expect((await store.incidents.get(b.id))!.severity).toBe('SEV-1');
      // Outbox rows in the order of the changes, so the ticket receives them in that order.
      expect(
        (await store.outbox.listFor(integration.id)).map(
          r => r.payload.changes,
        ),
      ).toEqual([{ title: 'first' }, { title: 'second', status: 'mitigated' }]);
      // Set-based: two reads (the integration's rules are not in memory yet), then one UPDATE
      // for the incidents and one INSERT for the outbox rows, sent as a single statement
      // without a transaction on Postgres (written only where the version is still the one read).
      const onPostgres = knexOf(store).client.config.client === 'pg';
      const writes = statements.filter(sql =>
        /^(update|insert|with)/i.test(sql.trim()),
      );
      const writeShapes = onPostgres
        ? [
            /^WITH v AS \(SELECT .*written AS \(UPDATE incidents .*queued AS \(INSERT INTO outbox/s,
          ]
        : [/^\s*update /i, /^\s*insert /i];
      expect(writes).toEqual(
        writeShapes.map(shape => expect.stringMatching(shape)),
      );
      // Elsewhere the UPDATE and the INSERT share one transaction.
      expect(
        statements.filter(sql => /^(begin|commit)/i.test(sql.trim())),
      ).toEqual(onPostgres ? [] : ['BEGIN;', 'COMMIT;']);
      expect(
        statements.filter(sql => /^select/i.test(sql.trim())),
      ).toHaveLength(2);
    });

    it('keeps a timeline and enqueues notes in the same transaction', async () => {
      const integration = await givenIntegration(store);
      const created = await givenIncident(store);
      await LinkRepository.ensure(knexOf(store), created.id, integration.id, T);
      await store.incidents.addTimelineEntry(
        created.id,
        {
          kind: 'note',
          text: 'Restarted',
          author: 'alice',
          source: 'platform',
          visibility: 'public',
        },
        {
          now: T,
          plan: links =>
            links.map(l => ({
              integration_id: l.integration.id,
              incident_id: created.id,
              operation: 'note',
              payload: { notes: [{ text: 'Restarted' }] },
            })),
        },
      );
      await store.incidents.addTimelineEntry(
        created.id,
        {
          kind: 'event',
          text: 'Escalated',
          source: `integration:${integration.id}`,
        },
        { now: T + 1 },
      );
      expect(await store.incidents.timeline(created.id)).toEqual([
        {
          kind: 'note',
          text: 'Restarted',
          author: 'alice',
          source: 'platform',
          visibility: 'public',
          external_note_id: null,
          created_at: T,
        },
        {
          kind: 'event',
          text: 'Escalated',
          author: null,
          source: `integration:${integration.id}`,
          visibility: null,
          external_note_id: null,
          created_at: T + 1,
        },
      ]);
      expect(
        (await store.outbox.listFor(integration.id)).map(r => r.operation),
      ).toEqual(['note']);
    });

    it('lists incidents by entity and status, newest first, and fetches several by id', async () => {
      const a = await givenIncident(
        store,
        { entity_ref: 'component:default/a' },
        T,
      );
      const b = await givenIncident(
        store,
        { entity_ref: 'component:default/a', status: 'resolved' },
        T + 1,
      );
      await givenIncident(store, { entity_ref: 'component:default/b' }, T + 2);
      expect(
        (
          await store.incidents.list({
            entity_ref: 'component:default/a',
            limit: 10,
          })
        ).map(i => i.id),
      ).toEqual([b.id, a.id]);
      expect(
        (
          await store.incidents.list({
            entity_ref: 'component:default/a',
            status: 'open',
            limit: 10,
          })
        ).map(i => i.id),
      ).toEqual([a.id]);
      expect(
        (await store.incidents.getMany([a.id, b.id])).map(i => i.id).sort(),
      ).toEqual([a.id, b.id].sort());
      expect(await store.incidents.getMany([])).toEqual([]);
    });
  },
);
