import { TestDatabases } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { eventually } from '@itsm-sync-hub/plugin-itsm-sync-node/testUtils';
import {
  startPagerDutyServiceNowHub,
  type PagerDutyServiceNowHub,
} from './__testUtils__/pagerDutyServiceNowHub';

jest.setTimeout(90_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

const BILLING = 'component:default/billing';
const LEDGER = 'component:default/ledger';
const SEARCH = 'component:default/search';

type Entities = NonNullable<
  Parameters<typeof catalogServiceMock.factory>[0]
>['entities'];

const component = (
  name: string,
  spec: { system?: string; owner: string },
  annotations: Record<string, string> = {},
) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name,
    namespace: 'default',
    annotations: { 'itsm-sync.io/incidents': 'enabled', ...annotations },
  },
  spec: { type: 'service', lifecycle: 'production', ...spec },
});

/**
 * billing names its own PagerDuty service, CI and Jira project; ledger has none and
 * inherits from its system (assignment group, PagerDuty service) and owner (Jira project);
 * search names only PagerDuty's default service.
 */
const entities: Entities = [
  component(
    'billing',
    { system: 'payments', owner: 'group:default/payments-team' },
    {
      'pagerduty.com/service-id': 'PSVC002',
      'itsm-sync.io/servicenow-ci': 'billing-db',
      'jira/project-key': 'PAY',
    },
  ),
  component('ledger', { system: 'payments', owner: 'group:default/ledger' }),
  component(
    'search',
    { owner: 'group:default/payments-team' },
    { 'pagerduty.com/service-id': 'PSVC001' },
  ),
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'System',
    metadata: {
      name: 'payments',
      namespace: 'default',
      annotations: {
        'itsm-sync.io/servicenow-assignment-group': 'payments-ops',
        'pagerduty.com/service-id': 'PSVC002',
      },
    },
    spec: { owner: 'group:default/payments-team' },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name: 'payments-team', namespace: 'default' },
    spec: { type: 'team', children: [] },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: {
      name: 'ledger',
      namespace: 'default',
      annotations: { 'jira/project-key': 'LED' },
    },
    spec: { type: 'team', children: [] },
  },
];

describe.each(databases.eachSupportedId())(
  'routing targets and re-routing on vendor changes, on %s',
  databaseId => {
    let hub: PagerDutyServiceNowHub;
    const api: PagerDutyServiceNowHub['api'] = (...args) => hub.api(...args);

    /** The incident's tickets by integration id, once `count` links have one. */
    const ticketsOf = (incidentId: string, count: number) =>
      eventually(
        async () => {
          const links = (await api('GET', `/v1/incidents/${incidentId}`)).body
            .links as Array<{
            integration_id: string;
            external_id: string | null;
          }>;
          return links.length === count && links.every(l => l.external_id)
            ? new Map(links.map(l => [l.integration_id, l.external_id!]))
            : undefined;
        },
        `${count} tickets`,
        5000,
      );

    beforeAll(async () => {
      hub = await startPagerDutyServiceNowHub({
        name: `Targets ${databaseId}`,
        knex: await databases.init(databaseId),
        serviceNow: {
          groups: ['payments-ops', 'service-desk'],
          configurationItems: ['billing-db'],
        },
        jira: { projects: ['OPS', 'PAY', 'LED'] },
        features: [catalogServiceMock.factory({ entities })],
      });
      // ServiceNow takes SEV-1 incidents whatever their entity; annotations route the rest.
      const rules = await api(
        'PUT',
        `/v1/integrations/${hub.snowIntegration.id}/routing`,
        {
          rules: [
            { name: 'SEV-1 to ServiceNow', when: { severity: ['SEV-1'] } },
          ],
        },
      );
      if (rules.status !== 200)
        throw new Error(`routing not stored: ${JSON.stringify(rules.body)}`);
      // Jira takes no chores, even from entities annotated with a project.
      const jiraRules = await api(
        'PUT',
        `/v1/integrations/${hub.jiraIntegration!.id}/routing`,
        {
          rules: [
            {
              name: 'no chores',
              when: { incident_type: ['chore'] },
              action: 'skip',
            },
          ],
        },
      );
      if (jiraRules.status !== 200)
        throw new Error(
          `routing not stored: ${JSON.stringify(jiraRules.body)}`,
        );
    });

    afterAll(async () => {
      await hub?.stop();
    });

    it("opens each ticket where the entity's own annotations say, over the integrations' defaults", async () => {
      const created = await api('POST', '/v1/incidents', {
        title: 'Invoices not sent',
        severity: 'SEV-2',
        entity_ref: BILLING,
      });
      expect(created.status).toBe(201);
      const tickets = await ticketsOf(created.body.id, 3);

      const pd = hub.pd.incident(tickets.get(hub.pdIntegration.id)!);
      expect(pd.service_id).toBe('PSVC002');

      const snow = hub.snow.incident(tickets.get(hub.snowIntegration.id)!)!;
      const store = hub.snow.store;
      expect(snow.assignment_group).toBe(
        store.findNamed('sys_user_group', 'payments-ops')!.sys_id,
      );
      expect(snow.cmdb_ci).toBe(
        store.findNamed('cmdb_ci', 'billing-db')!.sys_id,
      );

      const issue = hub.jira!.issue(tickets.get(hub.jiraIntegration!.id)!)!;
      expect(issue.projectKey).toBe('PAY');
      expect(issue.key).toMatch(/^PAY-\d+$/);

      // Each link shows where routing placed its ticket.
      const links = (await api('GET', `/v1/incidents/${created.body.id}`)).body
        .links as Array<{ integration_type: string; target: unknown }>;
      expect(
        Object.fromEntries(links.map(l => [l.integration_type, l.target])),
      ).toEqual({
        pagerduty: { service_id: 'PSVC002' },
        servicenow: {
          assignment_group: 'payments-ops',
          configuration_item: 'billing-db',
        },
        jira: { project_key: 'PAY' },
      });

      const preview = await api('POST', '/v1/routing/preview', {
        incident_id: created.body.id,
      });
      expect(preview.status).toBe(200);
      const byName = new Map(
        (preview.body.matches as any[]).map(m => [m.integration_type, m]),
      );
      expect(byName.get('jira').target).toEqual({ project_key: 'PAY' });
      expect(byName.get('jira').explanation).toBe(
        `annotation jira/project-key=PAY on ${BILLING}; ticket to project_key PAY (jira/project-key on ${BILLING})`,
      );
      expect(byName.get('servicenow').explanation).toBe(
        `annotation itsm-sync.io/servicenow-assignment-group=payments-ops on system:default/payments; ticket to assignment_group payments-ops (itsm-sync.io/servicenow-assignment-group on system:default/payments), configuration_item billing-db (itsm-sync.io/servicenow-ci on ${BILLING})`,
      );
      expect(byName.get('servicenow').target).toEqual({
        assignment_group: 'payments-ops',
        configuration_item: 'billing-db',
      });
      expect(byName.get('servicenow').target_sources).toEqual([
        {
          field: 'assignment_group',
          value: 'payments-ops',
          annotation: 'itsm-sync.io/servicenow-assignment-group',
          entity_ref: 'system:default/payments',
        },
        {
          field: 'configuration_item',
          value: 'billing-db',
          annotation: 'itsm-sync.io/servicenow-ci',
          entity_ref: BILLING,
        },
      ]);
      expect(byName.get('pagerduty').target).toEqual({
        service_id: 'PSVC002',
      });
    });

    it("inherits the target from the entity's system and owner when the entity names none", async () => {
      const created = await api('POST', '/v1/incidents', {
        title: 'Ledger out of balance',
        severity: 'SEV-2',
        entity_ref: LEDGER,
      });
      const tickets = await ticketsOf(created.body.id, 3);
      expect(
        hub.pd.incident(tickets.get(hub.pdIntegration.id)!).service_id,
      ).toBe('PSVC002');
      const snow = hub.snow.incident(tickets.get(hub.snowIntegration.id)!)!;
      expect(snow.assignment_group).toBe(
        hub.snow.store.findNamed('sys_user_group', 'payments-ops')!.sys_id,
      );
      expect(snow.cmdb_ci).toBe('');
      const issue = hub.jira!.issue(tickets.get(hub.jiraIntegration!.id)!)!;
      expect(issue.projectKey).toBe('LED');

      // A person's edit of an issue outside the integration's own project still comes back.
      await hub.jira!.editAsPerson(issue.id, {
        summary: 'Ledger badly out of balance',
      });
      await eventually(
        async () =>
          (await api('GET', `/v1/incidents/${created.body.id}`)).body.title ===
          'Ledger badly out of balance',
        'the Jira edit on the incident',
        5000,
      );
    });

    it('applies the integration default to a listed integration the entity names no target for', async () => {
      const created = await api('POST', '/v1/incidents', {
        title: 'Search slow',
        severity: 'SEV-3',
        entity_ref: SEARCH,
        integrations: [hub.jiraIntegration!.name],
      });
      const tickets = await ticketsOf(created.body.id, 2);
      expect(
        hub.jira!.issue(tickets.get(hub.jiraIntegration!.id)!)!.projectKey,
      ).toBe('OPS');
      expect(
        hub.pd.incident(tickets.get(hub.pdIntegration.id)!).service_id,
      ).toBe('PSVC001');
    });

    it("opens the ticket of a manual sync with no ticket yet where the entity's annotations say", async () => {
      const created = await api('POST', '/v1/incidents', {
        title: 'Rotate billing keys',
        severity: 'SEV-3',
        entity_ref: BILLING,
        incident_type: 'chore',
      });
      const routed = await ticketsOf(created.body.id, 2);
      expect(routed.has(hub.jiraIntegration!.id)).toBe(false);

      const synced = await api(
        'POST',
        `/v1/integrations/${hub.jiraIntegration!.id}/incidents/${created.body.id}/sync`,
      );
      expect([200, 202]).toContain(synced.status);
      const tickets = await ticketsOf(created.body.id, 3);
      expect(
        hub.jira!.issue(tickets.get(hub.jiraIntegration!.id)!)!.projectKey,
      ).toBe('PAY');
    });

    it('opens a ServiceNow ticket when a PagerDuty severity change makes the incident match its rule, and never closes it', async () => {
      const created = await api('POST', '/v1/incidents', {
        title: 'Search index stale',
        severity: 'SEV-3',
        entity_ref: SEARCH,
      });
      // search is annotated for PagerDuty only, and Jira routes nothing by default.
      const before = await ticketsOf(created.body.id, 1);
      const pdTicket = before.get(hub.pdIntegration.id)!;
      expect(pdTicket).toBeDefined();

      await hub.pd.changePriority(pdTicket, 'P1');
      const after = await ticketsOf(created.body.id, 2);
      expect(after.get(hub.pdIntegration.id)).toBe(pdTicket);
      const snow = hub.snow.incident(after.get(hub.snowIntegration.id)!)!;
      expect(snow.short_description).toBe('Search index stale');
      expect([snow.impact, snow.urgency]).toEqual(['1', '1']);
      // The change came from PagerDuty: its incident is not made again.
      expect(
        [...hub.pd.state.incidents.values()].filter(
          i => i.title === 'Search index stale',
        ),
      ).toHaveLength(1);

      // Back to SEV-3: the incident stops matching, and its ServiceNow ticket stays.
      await hub.pd.changePriority(pdTicket, 'P3');
      await eventually(
        async () =>
          (await api('GET', `/v1/incidents/${created.body.id}`)).body
            .severity === 'SEV-3',
        'the severity back at SEV-3',
        5000,
      );
      const incident = (await api('GET', `/v1/incidents/${created.body.id}`))
        .body;
      expect(incident.links.map((l: any) => l.integration_id).sort()).toEqual(
        [hub.pdIntegration.id, hub.snowIntegration.id].sort(),
      );
      expect(incident.links.every((l: any) => l.sync_state !== 'gone')).toBe(
        true,
      );
    });
  },
);
