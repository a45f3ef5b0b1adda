import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { CatalogEntityFacts } from './CatalogEntityFacts';

const entities: NonNullable<
  Parameters<typeof catalogServiceMock>[0]
>['entities'] = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'checkout',
      namespace: 'default',
      annotations: { 'jira/project-key': 'CHK' },
    },
    spec: { type: 'service', owner: 'sre', system: 'payments' },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'System',
    metadata: {
      name: 'payments',
      namespace: 'default',
      annotations: {
        'jira/project-key': 'PAY',
        'pagerduty.com/service-id': 'PSVC9',
      },
    },
    spec: { owner: 'sre' },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: {
      name: 'sre',
      namespace: 'default',
      annotations: { 'itsm-sync.io/servicenow-assignment-group': 'SRE Ops' },
    },
    spec: { type: 'team', children: [] },
  },
];

describe('CatalogEntityFacts', () => {
  let now = 0;
  const make = (catalog = catalogServiceMock({ entities })) => ({
    catalog,
    facts: CatalogEntityFacts.create({
      catalog,
      auth: mockServices.auth(),
      logger: mockServices.logger.mock(),
      now: () => now,
      timeoutMs: 200,
    }),
  });

  beforeEach(() => {
    now = 1_000_000;
  });

  it('reads kind, type, owner and system, each annotation from the entity, else its system, else its owner', async () => {
    const { facts } = make();
    expect(await facts.lookup('checkout')).toEqual({
      catalog: 'ok',
      entity_ref: 'component:default/checkout',
      kind: 'component',
      type: 'service',
      owner: 'group:default/sre',
      system: 'system:default/payments',
      annotations: [
        {
          annotation: 'pagerduty.com/service-id',
          value: 'PSVC9',
          entity_ref: 'system:default/payments',
        },
        {
          annotation: 'itsm-sync.io/servicenow-assignment-group',
          value: 'SRE Ops',
          entity_ref: 'group:default/sre',
        },
        {
          annotation: 'jira/project-key',
          value: 'CHK',
          entity_ref: 'component:default/checkout',
        },
      ],
    });
    expect((await facts.lookup('component:default/nowhere')).catalog).toBe(
      'not-found',
    );
    expect((await facts.lookup(null)).catalog).toBe('none');
  });

  it('asks the catalog once a minute per entity, and keeps the last facts through an outage', async () => {
    const catalog = catalogServiceMock({ entities });
    const getEntityByRef = jest.spyOn(catalog, 'getEntityByRef');
    const { facts } = make(catalog);
    await facts.lookup('component:default/checkout');
    await facts.lookup('component:default/checkout');
    expect(getEntityByRef).toHaveBeenCalledTimes(1);

    now += 61_000;
    getEntityByRef.mockRejectedValue(new Error('catalog down'));
    const stale = await facts.lookup('component:default/checkout');
    expect(stale.catalog).toBe('ok');
    expect(stale.system).toBe('system:default/payments');
    expect(getEntityByRef).toHaveBeenCalledTimes(2);
  });

  it('routes on nothing from the catalog when it fails or hangs with nothing cached, and does not ask again at once', async () => {
    const catalog = catalogServiceMock({ entities });
    const getEntityByRef = jest
      .spyOn(catalog, 'getEntityByRef')
      .mockImplementation(() => new Promise(() => {}));
    const { facts } = make(catalog);
    const started = Date.now();
    expect(await facts.lookup('component:default/checkout')).toMatchObject({
      catalog: 'unavailable',
      annotations: [],
    });
    expect(Date.now() - started).toBeLessThan(2000);
    await facts.lookup('component:default/checkout');
    expect(getEntityByRef).toHaveBeenCalledTimes(1);
  });

  it('finds the entity annotated with a vendor key, and none when nothing is', async () => {
    const { facts } = make();
    expect(
      await facts.entityFor([
        { annotation: 'pagerduty.com/service-id', value: 'PSVC9' },
      ]),
    ).toBe('system:default/payments');
    expect(
      await facts.entityFor([
        { annotation: 'pagerduty.com/service-id', value: 'PNONE' },
      ]),
    ).toBeUndefined();
  });
});
