import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { Entity } from '@backstage/catalog-model';
import {
  eventually,
  startSyncTestBackend,
  type SyncTestBackend,
} from '../__testUtils__/syncTestBackend';

jest.setTimeout(60_000);

const ANNOTATED_INTEGRATION = 'routing-by-annotation';

const entities: Entity[] = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'checkout', namespace: 'default' },
    spec: {
      type: 'service',
      owner: 'group:default/sre',
      system: 'payments',
      lifecycle: 'production',
    },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'System',
    // Inherited by checkout, which has no routing annotation of its own.
    metadata: {
      name: 'payments',
      namespace: 'default',
      annotations: { 'itsm-sync.io/integrations': ANNOTATED_INTEGRATION },
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

describe('routing', () => {
  let hub: SyncTestBackend;
  let payments: { id: string; name: string };
  let databases: { id: string; name: string };
  let annotated: { id: string; name: string };
  let untouched: { id: string; name: string };

  beforeAll(async () => {
    hub = await startSyncTestBackend({
      features: [catalogServiceMock.factory({ entities })],
    });
    payments = await hub.createIntegration();
    databases = await hub.createIntegration();
    annotated = await hub.createIntegration({ name: ANNOTATED_INTEGRATION });
    untouched = await hub.createIntegration();
    const put = async (integration: { id: string }, body: object) => {
      const res = await hub.api
        .put(`${hub.base}/v1/integrations/${integration.id}/routing`)
        .send(body);
      if (res.status !== 200)
        throw new Error(
          `routing not stored: ${res.status} ${JSON.stringify(res.body)}`,
        );
    };
    await put(payments, {
      rules: [
        {
          name: 'no low severities',
          when: { severity: ['SEV-4'] },
          action: 'skip',
        },
        {
          name: 'payments sev1-2',
          when: {
            system: ['system:default/payments'],
            severity: ['SEV-1', 'SEV-2'],
          },
        },
      ],
    });
    await put(databases, {
      rules: [
        { name: 'database incidents', when: { incident_type: ['database'] } },
      ],
    });
  });
  afterAll(async () => {
    await hub?.stop();
  });

  const incident = async (id: string) =>
    (await hub.api.get(`${hub.base}/v1/incidents/${id}`)).body as {
      incident_type: string | null;
      links: Array<{ integration_id: string; external_id: string | null }>;
    };
  const linkedTo = async (id: string) =>
    (await incident(id)).links.map(l => l.integration_id).sort();
  /** Every link has its ticket at the vendor. */
  const ticketsOpened = (id: string) =>
    eventually(
      async () => {
        const { links } = await incident(id);
        return links.every(
          l => l.external_id && hub.vendor.tickets.has(l.external_id),
        )
          ? links
          : undefined;
      },
      5000,
      'tickets opened',
    );

  it("stores an integration's rules in order and answers them back", async () => {
    const res = await hub.api.get(
      `${hub.base}/v1/integrations/${payments.name}/routing`,
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      integration_id: payments.id,
      default: 'skip',
      rules: [
        {
          name: 'no low severities',
          when: { severity: ['SEV-4'] },
          action: 'skip',
        },
        {
          name: 'payments sev1-2',
          when: {
            system: ['system:default/payments'],
            severity: ['SEV-1', 'SEV-2'],
          },
          action: 'route',
        },
      ],
    });
    const none = await hub.api.get(
      `${hub.base}/v1/integrations/${untouched.id}/routing`,
    );
    expect(none.body).toEqual({
      integration_id: untouched.id,
      rules: [],
      default: 'skip',
      updated_at: null,
    });
  });

  it('refuses bad rules with a message naming the problem and keeps the stored ones', async () => {
    const bad = await hub.api
      .put(`${hub.base}/v1/integrations/${payments.id}/routing`)
      .send({ rules: [{ name: 'x', when: { colour: ['red'] } }] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/rules\.0\.when/);
    const twice = await hub.api
      .put(`${hub.base}/v1/integrations/${payments.id}/routing`)
      .send({
        rules: [
          { name: 'a', when: {} },
          { name: 'a', when: {} },
        ],
      });
    expect(twice.status).toBe(400);
    expect(twice.body.error.message).toMatch(/used twice/);
    expect(
      (await hub.api.get(`${hub.base}/v1/integrations/${payments.id}/routing`))
        .body.rules,
    ).toHaveLength(2);
  });

  it('opens tickets where rules and inherited annotations say for an incident created without integrations', async () => {
    const created = await hub.api.post(`${hub.base}/v1/incidents`).send({
      title: 'Checkout errors',
      severity: 'SEV-2',
      entity_ref: 'component:default/checkout',
    });
    expect(created.status).toBe(201);
    expect(await linkedTo(created.body.id)).toEqual(
      [payments.id, annotated.id].sort(),
    );
    await ticketsOpened(created.body.id);
  });

  it('still honours an explicit integrations list alongside routing', async () => {
    const created = await hub.api.post(`${hub.base}/v1/incidents`).send({
      title: 'Checkout errors',
      severity: 'SEV-3',
      entity_ref: 'component:default/checkout',
      integrations: [untouched.name],
    });
    expect(await linkedTo(created.body.id)).toEqual(
      [annotated.id, untouched.id].sort(),
    );
  });

  it('opens a ticket when a change makes the incident match, and never closes one when it stops matching', async () => {
    const created = await hub.api.post(`${hub.base}/v1/incidents`).send({
      title: 'Slow checkout',
      severity: 'SEV-3',
      entity_ref: 'component:default/checkout',
    });
    expect(await linkedTo(created.body.id)).toEqual([annotated.id]);

    const raised = await hub.api
      .patch(`${hub.base}/v1/incidents/${created.body.id}`)
      .send({ severity: 'SEV-1' });
    expect(raised.status).toBe(200);
    expect(raised.body.links.map((l: any) => l.integration_id).sort()).toEqual(
      [payments.id, annotated.id].sort(),
    );
    await ticketsOpened(created.body.id);

    await hub.api
      .patch(`${hub.base}/v1/incidents/${created.body.id}`)
      .send({ severity: 'SEV-4' });
    expect(await linkedTo(created.body.id)).toEqual(
      [payments.id, annotated.id].sort(),
    );
  });

  it('routes by incident_type, set at creation or changed later', async () => {
    const typed = await hub.api.post(`${hub.base}/v1/incidents`).send({
      title: 'Replica lag',
      severity: 'SEV-3',
      incident_type: 'Database',
    });
    expect(typed.body.incident_type).toBe('Database');
    expect(await linkedTo(typed.body.id)).toEqual([databases.id]);

    const plain = await hub.api
      .post(`${hub.base}/v1/incidents`)
      .send({ title: 'Replica lag', severity: 'SEV-3' });
    expect(await linkedTo(plain.body.id)).toEqual([]);
    const changed = await hub.api
      .patch(`${hub.base}/v1/incidents/${plain.body.id}`)
      .send({ incident_type: 'database' });
    expect(changed.body.incident_type).toBe('database');
    expect(await linkedTo(plain.body.id)).toEqual([databases.id]);
    await ticketsOpened(plain.body.id);
  });

  it('previews where an incident goes and why, for a stored incident or for fields', async () => {
    const preview = await hub.api.post(`${hub.base}/v1/routing/preview`).send({
      incident: {
        severity: 'SEV-1',
        entity_ref: 'component:default/checkout',
        incident_type: 'database',
      },
    });
    expect(preview.status).toBe(200);
    expect(preview.body.catalog).toBe('ok');
    expect(preview.body.facts).toEqual({
      entity_ref: 'component:default/checkout',
      entity_kind: 'component',
      entity_type: 'service',
      owner: 'group:default/sre',
      system: 'system:default/payments',
      severity: 'SEV-1',
      status: 'open',
      incident_type: 'database',
    });
    const byName = Object.fromEntries(
      preview.body.matches.map((m: any) => [m.integration_name, m]),
    );
    expect(Object.keys(byName).sort()).toEqual(
      [payments.name, databases.name, annotated.name].sort(),
    );
    expect(byName[payments.name].reason).toEqual({
      kind: 'rule',
      rule: 'payments sev1-2',
      position: 2,
    });
    expect(byName[payments.name].explanation).toBe(
      "rule 2 'payments sev1-2' matched",
    );
    expect(byName[databases.name].explanation).toBe(
      "rule 1 'database incidents' matched",
    );
    expect(byName[annotated.name].reason).toEqual({
      kind: 'annotation',
      annotation: 'itsm-sync.io/integrations',
      value: ANNOTATED_INTEGRATION,
      entity_ref: 'system:default/payments',
    });

    const low = await hub.api.post(`${hub.base}/v1/routing/preview`).send({
      incident: {
        severity: 'SEV-4',
        entity_ref: 'component:default/checkout',
      },
    });
    expect(low.body.skipped).toEqual([
      {
        integration_id: payments.id,
        integration_name: payments.name,
        rule: 'no low severities',
        position: 1,
      },
    ]);

    const stored = await hub.api.post(`${hub.base}/v1/incidents`).send({
      title: 'x',
      severity: 'SEV-2',
      entity_ref: 'component:default/checkout',
    });
    const byId = await hub.api
      .post(`${hub.base}/v1/routing/preview`)
      .send({ incident_id: stored.body.id });
    expect(byId.body.matches.map((m: any) => m.integration_id).sort()).toEqual(
      [payments.id, annotated.id].sort(),
    );
  });

  it("previews an entity the catalog does not know on the incident's own fields", async () => {
    const res = await hub.api.post(`${hub.base}/v1/routing/preview`).send({
      incident: {
        severity: 'SEV-1',
        entity_ref: 'component:default/nowhere',
      },
    });
    expect(res.body.catalog).toBe('not-found');
    expect(res.body.matches).toEqual([]);
  });

  it('refuses a preview without an incident, naming what is missing', async () => {
    const res = await hub.api
      .post(`${hub.base}/v1/routing/preview`)
      .send({ severity: 'SEV-1' });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/incident_id, or incident/);
    const missing = await hub.api
      .post(`${hub.base}/v1/routing/preview`)
      .send({ incident_id: 'no-such-incident' });
    expect(missing.status).toBe(404);
  });
});

describe('routing while the catalog is down', () => {
  let hub: SyncTestBackend;

  beforeAll(async () => {
    const down = async () => {
      throw new Error('connect ECONNREFUSED catalog');
    };
    hub = await startSyncTestBackend({
      features: [
        catalogServiceMock.mock({
          getEntityByRef: down,
          getEntitiesByRefs: down,
        }).factory,
      ],
    });
  });
  afterAll(async () => {
    await hub?.stop();
  });

  it("still routes on the incident's own fields and syncs", async () => {
    const integration = await hub.createIntegration();
    await hub.api
      .put(`${hub.base}/v1/integrations/${integration.id}/routing`)
      .send({ rules: [{ name: 'sev1', when: { severity: ['SEV-1'] } }] });
    const created = await hub.api.post(`${hub.base}/v1/incidents`).send({
      title: 'Outage',
      severity: 'SEV-1',
      entity_ref: 'component:default/checkout',
    });
    expect(created.status).toBe(201);
    expect(created.body.links.map((l: any) => l.integration_id)).toEqual([
      integration.id,
    ]);
    await eventually(
      async () =>
        (await hub.api.get(`${hub.base}/v1/incidents/${created.body.id}`)).body
          .links[0].external_id,
      5000,
      'ticket',
    );
    const preview = await hub.api
      .post(`${hub.base}/v1/routing/preview`)
      .send({ incident_id: created.body.id });
    expect(preview.body.catalog).toBe('unavailable');
    expect(preview.body.matches[0].explanation).toBe("rule 1 'sev1' matched");
  });
});
