import { eventually } from '@itsm-sync-hub/plugin-itsm-sync-node/testUtils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type {
  PagerDutySimulator,
  ServiceNowSimulator,
} from '@itsm-sync-hub/simulators';
import {
  startPagerDutyServiceNowHub,
  type PagerDutyServiceNowHub,
} from './__testUtils__/pagerDutyServiceNowHub';

jest.setTimeout(60_000);

const CHECKOUT = 'component:default/checkout';

/** The demo's catalog (examples/entities.yaml): checkout on PagerDuty, its system on ServiceNow. */
const entities: NonNullable<
  Parameters<typeof catalogServiceMock.factory>[0]
>['entities'] = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'checkout',
      namespace: 'default',
      annotations: {
        'itsm-sync.io/incidents': 'enabled',
        'pagerduty.com/service-id': 'PSVC001',
      },
    },
    spec: {
      type: 'service',
      lifecycle: 'production',
      owner: 'group:default/sre',
      system: 'payments',
    },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'System',
    metadata: {
      name: 'payments',
      namespace: 'default',
      annotations: {
        'itsm-sync.io/servicenow-assignment-group': 'payments-ops',
      },
    },
    spec: { owner: 'group:default/sre' },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name: 'sre', namespace: 'default' },
    spec: { type: 'team', children: [] },
  },
];

describe('routing on the demo catalog, with the PagerDuty and ServiceNow simulators', () => {
  let hub: PagerDutyServiceNowHub;
  let pd: PagerDutySimulator;
  let snow: ServiceNowSimulator;
  let pdIntegration: { id: string; name: string };
  let snowIntegration: { id: string; name: string };
  const api: PagerDutyServiceNowHub['api'] = (...args) => hub.api(...args);

  /** The incident's tickets by integration id, once every link has one. */
  const ticketsOf = (incidentId: string) =>
    eventually(
      async () => {
        const links = (await api('GET', `/v1/incidents/${incidentId}`)).body
          .links as Array<{
          integration_id: string;
          external_id: string | null;
        }>;
        return links.length && links.every(l => l.external_id)
          ? new Map(links.map(l => [l.integration_id, l.external_id!]))
          : undefined;
      },
      'every ticket',
      5000,
    );

  beforeAll(async () => {
    hub = await startPagerDutyServiceNowHub({
      name: 'Routing',
      pagerDutySettings: {
        service_mappings: [
          { pd_service: 'PSVC001', incident_type: 'checkout' },
        ],
      },
      features: [catalogServiceMock.factory({ entities })],
    });
    ({ pd, snow, pdIntegration, snowIntegration } = hub);
    // ServiceNow takes no low-severity incidents, whatever the catalog says.
    const rules = await api(
      'PUT',
      `/v1/integrations/${snowIntegration.id}/routing`,
      {
        rules: [
          {
            name: 'no SEV-4 tickets',
            when: { severity: ['SEV-4'] },
            action: 'skip',
          },
        ],
      },
    );
    if (rules.status !== 200)
      throw new Error(`routing not stored: ${JSON.stringify(rules.body)}`);
  });

  afterAll(async () => {
    await hub?.stop();
  });

  it('opens tickets exactly where the annotations and rules say, within 5 s, for an incident created without integrations', async () => {
    const started = Date.now();
    const created = await api('POST', '/v1/incidents', {
      title: 'Checkout errors',
      severity: 'SEV-2',
      entity_ref: CHECKOUT,
    });
    expect(created.status).toBe(201);
    const tickets = await ticketsOf(created.body.id);
    expect(Date.now() - started).toBeLessThan(5000);
    expect([...tickets.keys()].sort()).toEqual(
      [pdIntegration.id, snowIntegration.id].sort(),
    );
    expect(pd.incident(tickets.get(pdIntegration.id)!).title).toBe(
      'Checkout errors',
    );
    // The system's annotated assignment group is set on the ServiceNow ticket.
    expect(
      snow.incident(tickets.get(snowIntegration.id)!)?.assignment_group,
    ).toBe('payments-ops');
    expect(
      snow.incident(tickets.get(snowIntegration.id)!)?.short_description,
    ).toBe('Checkout errors');

    const low = await api('POST', '/v1/incidents', {
      title: 'Checkout log noise',
      severity: 'SEV-4',
      entity_ref: CHECKOUT,
    });
    const lowTickets = await ticketsOf(low.body.id);
    expect([...lowTickets.keys()]).toEqual([pdIntegration.id]);

    const preview = await api('POST', '/v1/routing/preview', {
      incident_id: low.body.id,
    });
    expect(
      preview.body.matches.map((m: any) => [m.integration_name, m.explanation]),
    ).toEqual([
      [
        'Routing PagerDuty',
        'annotation pagerduty.com/service-id=PSVC001 on component:default/checkout; ticket to service_id PSVC001 (pagerduty.com/service-id on component:default/checkout)',
      ],
    ]);
    expect(preview.body.skipped).toEqual([
      {
        integration_id: snowIntegration.id,
        integration_name: 'Routing ServiceNow',
        rule: 'no SEV-4 tickets',
        position: 1,
      },
    ]);
  });

  it("puts an incident triggered in PagerDuty on its service's entity and fans it out by the same routing", async () => {
    const action = await pd.trigger({
      title: 'Card payments failing',
      serviceId: 'PSVC001',
      urgency: 'high',
    });
    expect(action.delivery).toBeGreaterThanOrEqual(200);
    expect(action.delivery).toBeLessThan(300);
    const onCard = await eventually(
      async () => {
        const list = await api(
          'GET',
          `/v1/incidents?entity_ref=${encodeURIComponent(CHECKOUT)}`,
        );
        return (list.body.items as any[]).find(
          i => i.title === 'Card payments failing',
        );
      },
      'the incident on the checkout card',
      5000,
    );
    expect(onCard.entity_ref).toBe(CHECKOUT);
    expect(onCard.incident_type).toBe('checkout');
    const tickets = await ticketsOf(onCard.id);
    expect([...tickets.keys()].sort()).toEqual(
      [pdIntegration.id, snowIntegration.id].sort(),
    );
    expect(
      snow.incident(tickets.get(snowIntegration.id)!)?.short_description,
    ).toBe('Card payments failing');
  });
});
