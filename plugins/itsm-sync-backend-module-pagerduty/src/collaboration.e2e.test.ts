import { TestDatabases } from '@backstage/backend-test-utils';
import { eventually } from '@itsm-sync-hub/plugin-itsm-sync-node/testUtils';
import {
  startThreeVendorHub,
  type ThreeVendorHub,
} from './__testUtils__/threeVendorHub';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

type TimelineItem = {
  kind: string;
  text: string;
  author: string | null;
  source: string;
  visibility: string | null;
};

describe.each(databases.eachSupportedId())(
  'collaboration across PagerDuty, ServiceNow and Jira on %s',
  databaseId => {
    let hub: ThreeVendorHub;
    const api: ThreeVendorHub['api'] = (...args) => hub.api(...args);

    /** A platform incident with a ticket at all three vendors. */
    const linkedIncident = async (title: string) => {
      const created = await api('POST', '/v1/incidents', {
        title,
        severity: 'SEV-2',
        integrations: [
          hub.pdIntegration.name,
          hub.snowIntegration.name,
          hub.jiraIntegration.name,
        ],
      });
      expect(created.status).toBe(201);
      const id = created.body.id as string;
      const tickets = await eventually(
        async () => {
          const view = await api('GET', `/v1/incidents/${id}`);
          const by = new Map<string, string>(
            (
              (view.body.links ?? []) as Array<{
                integration_id: string;
                external_id?: string | null;
              }>
            )
              .filter(l => l.external_id)
              .map(l => [l.integration_id, l.external_id!]),
          );
          const pd = by.get(hub.pdIntegration.id);
          const snow = by.get(hub.snowIntegration.id);
          const jira = by.get(hub.jiraIntegration.id);
          return pd && snow && jira ? { pd, snow, jira } : undefined;
        },
        'the three tickets',
        10_000,
      );
      return { id, ...tickets };
    };

    const timelineNotes = async (id: string) =>
      (
        (await api('GET', `/v1/incidents/${id}/timeline`)).body
          .items as TimelineItem[]
      ).filter(e => e.kind === 'note');

    const pdNotes = (pdId: string) =>
      hub.pd.incident(pdId).notes.map(n => n.content);

    /** Lets echoes and fan-outs in flight land, so a duplicate would be seen. */
    const settle = () => new Promise(resolve => setTimeout(resolve, 1500));

    beforeAll(async () => {
      hub = await startThreeVendorHub({
        knex: await databases.init(databaseId),
      });
    });

    afterAll(async () => {
      await hub?.stop();
    });

    it('sends an internal platform note to work notes, an internal Jira comment and a PagerDuty note, with its author, once', async () => {
      const t = await linkedIncident('Checkout latency');
      const res = await api('POST', `/v1/incidents/${t.id}/notes`, {
        text: 'Rolled back release 4.2.1',
      });
      expect(res.status).toBe(201);
      const expected = /^Backstage · .+: Rolled back release 4\.2\.1$/;
      await eventually(
        async () =>
          hub.snow.workNotes(t.snow).some(n => expected.test(n)) &&
          hub.jira.comments(t.jira).some(c => expected.test(c.text)) &&
          pdNotes(t.pd).some(n => expected.test(n)),
        'the note at every vendor',
        10_000,
      );
      await settle();
      expect(
        hub.snow.workNotes(t.snow).filter(n => expected.test(n)),
      ).toHaveLength(1);
      expect(hub.snow.comments(t.snow)).toEqual([]);
      expect(hub.jira.comments(t.jira)).toEqual([
        { text: expect.stringMatching(expected), public: false },
      ]);
      expect(pdNotes(t.pd).filter(n => expected.test(n))).toHaveLength(1);
      // PagerDuty sent incident.annotated for the hub's own note: dropped, not added again.
      const notes = await timelineNotes(t.id);
      expect(notes).toEqual([
        expect.objectContaining({
          text: 'Rolled back release 4.2.1',
          source: 'platform',
          visibility: 'internal',
        }),
      ]);
      const status = await api(
        'GET',
        `/v1/integrations/${hub.pdIntegration.id}/sync-status`,
      );
      expect(JSON.stringify(status.body.ignored_events)).toContain(
        'a note the hub posted itself',
      );
    });

    it('sends a public platform note to additional comments and a public Jira comment', async () => {
      const t = await linkedIncident('Status page update');
      const res = await api('POST', `/v1/incidents/${t.id}/notes`, {
        text: 'We are investigating slow checkouts',
        visibility: 'public',
      });
      expect(res.status).toBe(201);
      const expected = /^Backstage · .+: We are investigating slow checkouts$/;
      await eventually(
        async () =>
          hub.snow.comments(t.snow).some(n => expected.test(n)) &&
          hub.jira.comments(t.jira).some(c => expected.test(c.text)) &&
          pdNotes(t.pd).some(n => expected.test(n)),
        'the public note at every vendor',
        10_000,
      );
      await settle();
      expect(hub.snow.workNotes(t.snow)).toEqual([]);
      expect(hub.snow.comments(t.snow)).toHaveLength(1);
      expect(hub.jira.comments(t.jira)).toEqual([
        { text: expect.stringMatching(expected), public: true },
      ]);
      expect(await timelineNotes(t.id)).toEqual([
        expect.objectContaining({ visibility: 'public' }),
      ]);
    });

    it('carries a PagerDuty note, its author shown, to ServiceNow work notes and an internal Jira comment, and never back', async () => {
      const t = await linkedIncident('Queue backlog');
      const action = await hub.pd.annotate(t.pd, 'Paged the DBA', 'PUSR002');
      expect(action.delivery).toBe(200);
      const expected = 'PagerDuty · Bob Ruiz: Paged the DBA';
      await eventually(
        async () =>
          hub.snow.workNotes(t.snow).includes(expected) &&
          hub.jira.comments(t.jira).some(c => c.text === expected),
        'the PagerDuty note at ServiceNow and Jira',
        10_000,
      );
      await settle();
      expect(hub.snow.workNotes(t.snow)).toEqual([expected]);
      expect(hub.jira.comments(t.jira)).toEqual([
        { text: expected, public: false },
      ]);
      expect(pdNotes(t.pd)).toEqual(['Paged the DBA']);
      expect(await timelineNotes(t.id)).toEqual([
        expect.objectContaining({
          text: 'Paged the DBA',
          author: 'Bob Ruiz',
          source: `integration:${hub.pdIntegration.id}`,
          visibility: 'internal',
        }),
      ]);
    });

    it('keeps a ServiceNow additional comment public and a work note internal on their way to Jira and PagerDuty', async () => {
      const t = await linkedIncident('Payment retries');
      await hub.snow.editAsPerson(t.snow, {
        comments: 'A fix is rolling out',
      });
      await hub.snow.editAsPerson(t.snow, {
        work_notes: 'Pinned the old build',
      });
      await eventually(
        async () =>
          hub.jira.comments(t.jira).length === 2 && pdNotes(t.pd).length === 2,
        'both ServiceNow notes at Jira and PagerDuty',
        10_000,
      );
      await settle();
      const comments = hub.jira.comments(t.jira);
      expect(comments).toEqual([
        {
          text: expect.stringMatching(
            /^ServiceNow · .+: A fix is rolling out$/,
          ),
          public: true,
        },
        {
          text: expect.stringMatching(
            /^ServiceNow · .+: Pinned the old build$/,
          ),
          public: false,
        },
      ]);
      expect(pdNotes(t.pd)).toHaveLength(2);
      expect(
        (await timelineNotes(t.id)).map(n => [n.text, n.visibility]),
      ).toEqual([
        ['A fix is rolling out', 'public'],
        ['Pinned the old build', 'internal'],
      ]);
    });

    it('keeps a public Jira comment public and an internal one internal at ServiceNow', async () => {
      const t = await linkedIncident('Login errors');
      await hub.jira.commentAsPerson(t.jira, 'Customer confirmed the fix');
      await hub.jira.commentAsPerson(
        t.jira,
        'Root cause is the cache TTL',
        undefined,
        { internal: true },
      );
      await eventually(
        async () =>
          hub.snow.comments(t.snow).length === 1 &&
          hub.snow.workNotes(t.snow).length === 1,
        'both Jira comments at ServiceNow',
        10_000,
      );
      await settle();
      expect(hub.snow.comments(t.snow)).toEqual([
        'Jira Service Management · Mia Krystof: Customer confirmed the fix',
      ]);
      expect(hub.snow.workNotes(t.snow)).toEqual([
        'Jira Service Management · Mia Krystof: Root cause is the cache TTL',
      ]);
      expect(hub.jira.comments(t.jira)).toHaveLength(2);
      expect(pdNotes(t.pd)).toHaveLength(2);
    });

    it('backfills the earlier notes into a ticket linked later, when the integration asks for it', async () => {
      const patched = await api(
        'PATCH',
        `/v1/integrations/${hub.snowIntegration.id}`,
        { settings: { backfill_notes: true } },
      );
      expect(patched.status).toBe(200);
      try {
        const created = await api('POST', '/v1/incidents', {
          title: 'Cache stampede',
          severity: 'SEV-3',
          integrations: [hub.pdIntegration.name],
        });
        const id = created.body.id as string;
        const pdId = await eventually(
          async () =>
            (await api('GET', `/v1/incidents/${id}`)).body.links?.[0]
              ?.external_id as string | undefined,
          'the PagerDuty incident',
        );
        await api('POST', `/v1/incidents/${id}/notes`, {
          text: 'Warmed the cache',
        });
        await hub.pd.annotate(pdId, 'Watching hit rate', 'PUSR002');
        await eventually(
          async () => (await timelineNotes(id)).length === 2,
          'both notes on the timeline',
        );

        const linked = await api('POST', `/v1/incidents/${id}/links`, {
          integration: hub.snowIntegration.name,
        });
        expect(linked.status).toBe(201);
        const sysId = await eventually(async () => {
          const view = await api('GET', `/v1/incidents/${id}`);
          return (
            (view.body.links ?? []) as Array<{
              integration_id: string;
              external_id?: string | null;
            }>
          ).find(l => l.integration_id === hub.snowIntegration.id)
            ?.external_id as string | undefined;
        }, 'the ServiceNow incident');
        await eventually(
          async () => hub.snow.workNotes(sysId).length === 2,
          'the backfilled notes',
        );
        await settle();
        expect(hub.snow.workNotes(sysId)).toEqual([
          expect.stringMatching(/^Backstage · .+: Warmed the cache$/),
          'PagerDuty · Bob Ruiz: Watching hit rate',
        ]);
      } finally {
        await api('PATCH', `/v1/integrations/${hub.snowIntegration.id}`, {
          settings: { backfill_notes: null },
        });
      }
    });

    describe('people', () => {
      /** A platform incident with a PagerDuty incident, whose assignee PagerDuty no longer owns. */
      const pagerDutyIncident = async (title: string) => {
        const created = await api('POST', '/v1/incidents', {
          title,
          severity: 'SEV-3',
          integrations: [hub.pdIntegration.name],
        });
        const id = created.body.id as string;
        const pdId = await eventually(
          async () =>
            (await api('GET', `/v1/incidents/${id}`)).body.links?.[0]
              ?.external_id as string | undefined,
          'the PagerDuty incident',
        );
        return { id, pdId };
      };

      beforeAll(async () => {
        // PagerDuty is seeded owning assigned_to; here the platform assigns too.
        await api(
          'DELETE',
          `/v1/integrations/${hub.pdIntegration.id}/field-ownership/assigned_to`,
        );
        const mapped = await api('PUT', '/v1/user-mappings', {
          integration: hub.pdIntegration.name,
          platform_user: 'jane.doe@acme.com',
          external_user: 'bob@example.com',
        });
        if (mapped.status !== 200)
          throw new Error(`mapping not set: ${JSON.stringify(mapped.body)}`);
      });

      it('assigns a mapped person to who they are at PagerDuty, and maps them back', async () => {
        const t = await pagerDutyIncident('Disk pressure');
        expect(
          (
            await api('PATCH', `/v1/incidents/${t.id}`, {
              assigned_to: 'jane.doe@acme.com',
            })
          ).status,
        ).toBe(200);
        await eventually(
          async () => hub.pd.incident(t.pdId).assignee_ids.includes('PUSR002'),
          'Bob assigned in PagerDuty',
        );
        await hub.pd.reassign(t.pdId, 'carol@example.com');
        await eventually(
          async () =>
            (await api('GET', `/v1/incidents/${t.id}`)).body.assigned_to ===
            'carol@example.com',
          'the email of an unmapped person',
        );
        await hub.pd.reassign(t.pdId, 'PUSR002');
        await eventually(
          async () =>
            (await api('GET', `/v1/incidents/${t.id}`)).body.assigned_to ===
            'jane.doe@acme.com',
          'the mapped person back on the platform',
        );
      });

      it('leaves the PagerDuty assignee unchanged for a person PagerDuty does not know, sends the rest, and says why on the timeline', async () => {
        const t = await pagerDutyIncident('Slow queries');
        await hub.pd.reassign(t.pdId, 'PUSR003');
        await eventually(
          async () =>
            (await api('GET', `/v1/incidents/${t.id}`)).body.assigned_to ===
            'carol@example.com',
          'Carol on the platform',
        );
        expect(
          (
            await api('PATCH', `/v1/incidents/${t.id}`, {
              assigned_to: 'nobody@acme.com',
              title: 'Slow queries on db-2',
            })
          ).status,
        ).toBe(200);
        await eventually(
          async () => hub.pd.incident(t.pdId).title === 'Slow queries on db-2',
          'the title at PagerDuty',
        );
        expect(hub.pd.incident(t.pdId).assignee_ids).toEqual(['PUSR003']);
        const timeline = (await api('GET', `/v1/incidents/${t.id}/timeline`))
          .body.items as TimelineItem[];
        expect(timeline).toContainEqual(
          expect.objectContaining({
            kind: 'event',
            source: `integration:${hub.pdIntegration.id}`,
            text: 'Assignee "nobody@acme.com" not matched at PagerDuty: PagerDuty has no user with the email "nobody@acme.com"; the PagerDuty assignee was left unchanged',
          }),
        );
        // Nothing went to the DLQ for it.
        const dlq = await api(
          'GET',
          `/v1/integrations/${hub.pdIntegration.id}/dlq`,
        );
        expect(dlq.body.items ?? dlq.body).toEqual([]);
      });
    });

    describe('groups', () => {
      beforeAll(async () => {
        // PagerDuty is seeded owning the escalation policy; here a ServiceNow group move goes back to it.
        await api(
          'DELETE',
          `/v1/integrations/${hub.pdIntegration.id}/field-ownership/escalation_policy`,
        );
        const patched = await api(
          'PATCH',
          `/v1/integrations/${hub.snowIntegration.id}`,
          {
            // The person's move below follows PagerDuty's within seconds: not a conflict here.
            conflict_window_seconds: 0,
            settings: {
              assignment_groups: {
                PEPL001: 'Checkout Ops',
                PEPL002: 'Infrastructure Ops',
              },
            },
          },
        );
        if (patched.status !== 200)
          throw new Error(`not patched: ${JSON.stringify(patched.body)}`);
      });

      it('moves the ServiceNow assignment group when PagerDuty reassigns to another escalation policy, and back', async () => {
        const t = await linkedIncident('Checkout down');
        const delegated = await hub.pd.delegate(t.pd, 'PEPL002');
        expect(delegated.delivery).toBe(200);
        await eventually(
          async () =>
            hub.snow.incident(t.snow)?.assignment_group ===
            'Infrastructure Ops',
          'the ServiceNow group of the new policy',
        );

        // ServiceNow times changes to the second: a move in the same second as PagerDuty's
        // would read as older than it (stale), so the person moves the group a second later.
        await new Promise(resolve => setTimeout(resolve, 1100));
        await hub.snow.editAsPerson(t.snow, {
          assignment_group: 'Checkout Ops',
        });
        await eventually(
          async () =>
            (await api('GET', `/v1/incidents/${t.id}`)).body
              .escalation_policy === 'PEPL001',
          'the policy of the ServiceNow group on the platform',
        );
        await eventually(
          async () => hub.pd.incident(t.pd).escalation_policy_id === 'PEPL001',
          'PagerDuty moved to the policy of the group',
        );
      });

      it('refuses an assignment_groups entry that names no group, and changes nothing', async () => {
        const refused = await api(
          'PATCH',
          `/v1/integrations/${hub.snowIntegration.id}`,
          { settings: { assignment_groups: { PEPL003: '' } } },
        );
        expect(refused.status).toBe(400);
        expect(refused.body.error.message).toContain(
          'assignment_groups.PEPL003 must be a non-empty assignment group',
        );
        const view = await api(
          'GET',
          `/v1/integrations/${hub.snowIntegration.id}`,
        );
        expect(view.body.settings.assignment_groups).toEqual({
          PEPL001: 'Checkout Ops',
          PEPL002: 'Infrastructure Ops',
        });
      });
    });
  },
);
