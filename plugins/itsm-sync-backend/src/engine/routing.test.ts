import {
  conditionsHold,
  explainReason,
  explainTarget,
  routedTarget,
  routeIncident,
  type IntegrationRouting,
  type RoutingFacts,
} from './routing';

const facts: RoutingFacts = {
  entity_ref: 'component:default/checkout',
  entity_kind: 'component',
  entity_type: 'service',
  owner: 'group:default/sre',
  system: 'system:default/payments',
  severity: 'SEV-1',
  status: 'open',
  incident_type: 'Database',
};

const snow = {
  id: 'i-snow',
  name: 'prod-snow',
  integration_type: 'servicenow',
};
const pd = { id: 'i-pd', name: 'prod-pd', integration_type: 'pagerduty' };
const jira = { id: 'i-jira', name: 'ops-jira', integration_type: 'jira' };

describe('routing conditions', () => {
  it('holds when every given condition accepts the value, catalog names compared without case', () => {
    expect(conditionsHold({}, facts)).toBe(true);
    expect(
      conditionsHold(
        { severity: ['SEV-1', 'SEV-2'], owner: ['Group:Default/SRE'] },
        facts,
      ),
    ).toBe(true);
    expect(
      conditionsHold(
        { incident_type: ['database'], system: ['system:default/payments'] },
        facts,
      ),
    ).toBe(true);
    expect(
      conditionsHold(
        { severity: ['SEV-2'], owner: ['group:default/sre'] },
        facts,
      ),
    ).toBe(false);
    expect(conditionsHold({ entity_kind: ['system'] }, facts)).toBe(false);
  });

  it('does not hold a condition on a value the incident lacks', () => {
    expect(
      conditionsHold(
        { entity_type: ['service'] },
        { ...facts, entity_type: null },
      ),
    ).toBe(false);
  });

  it('compares severity and status exactly', () => {
    expect(conditionsHold({ status: ['Open' as any] }, facts)).toBe(false);
  });
});

describe('routeIncident', () => {
  const routing = (
    rules: IntegrationRouting['rules'],
    dflt: IntegrationRouting['default'] = 'skip',
  ) => ({ rules, default: dflt });

  it('takes the first matching rule in order, and the default when none matches', () => {
    const result = routeIncident({
      facts,
      integrations: [snow, pd, jira],
      routing: new Map([
        [
          snow.id,
          routing([
            {
              name: 'low severity stays out',
              when: { severity: ['SEV-3', 'SEV-4'] },
              action: 'skip',
            },
            {
              name: 'payments',
              when: { system: ['system:default/payments'] },
              action: 'route',
            },
          ]),
        ],
        [
          pd.id,
          routing([
            {
              name: 'sev1 only',
              when: { severity: ['SEV-1'] },
              action: 'route',
            },
          ]),
        ],
        [
          jira.id,
          routing(
            [
              {
                name: 'infra',
                when: { incident_type: ['infrastructure'] },
                action: 'route',
              },
            ],
            'route',
          ),
        ],
      ]),
      annotations: [],
    });
    expect(result.matches).toEqual([
      {
        integration: snow,
        reason: { kind: 'rule', rule: 'payments', position: 2 },
      },
      {
        integration: pd,
        reason: { kind: 'rule', rule: 'sev1 only', position: 1 },
      },
      { integration: jira, reason: { kind: 'default' } },
    ]);
    expect(result.skipped).toEqual([]);
  });

  it('routes by vendor annotations to integrations of that type, and by our annotation to named integrations', () => {
    const result = routeIncident({
      facts,
      integrations: [snow, pd, jira],
      routing: new Map(),
      annotations: [
        {
          annotation: 'pagerduty.com/service-id',
          value: 'PSVC01',
          entity_ref: 'component:default/checkout',
        },
        {
          annotation: 'itsm-sync.io/integrations',
          value: 'Ops-Jira, other',
          entity_ref: 'system:default/payments',
        },
      ],
    });
    expect(result.matches).toEqual([
      {
        integration: pd,
        reason: {
          kind: 'annotation',
          annotation: 'pagerduty.com/service-id',
          value: 'PSVC01',
          entity_ref: 'component:default/checkout',
        },
      },
      {
        integration: jira,
        reason: {
          kind: 'annotation',
          annotation: 'itsm-sync.io/integrations',
          value: 'Ops-Jira, other',
          entity_ref: 'system:default/payments',
        },
      },
    ]);
  });

  it('lets a skip rule exclude an annotated entity, and reports the exclusion', () => {
    const result = routeIncident({
      facts: { ...facts, severity: 'SEV-4' },
      integrations: [pd],
      routing: new Map([
        [
          pd.id,
          routing([
            {
              name: 'no pages for sev4',
              when: { severity: ['SEV-4'] },
              action: 'skip',
            },
          ]),
        ],
      ]),
      annotations: [
        {
          annotation: 'pagerduty.com/service-id',
          value: 'PSVC01',
          entity_ref: 'component:default/checkout',
        },
      ],
    });
    expect(result.matches).toEqual([]);
    expect(result.skipped).toEqual([
      { integration: pd, rule: 'no pages for sev4', position: 1 },
    ]);
  });

  it('keeps integrations listed explicitly whatever the rules say', () => {
    const result = routeIncident({
      facts,
      integrations: [snow],
      routing: new Map([
        [snow.id, routing([{ name: 'never', when: {}, action: 'skip' }])],
      ]),
      annotations: [],
      explicit: new Set([snow.id]),
    });
    expect(result.matches).toEqual([
      { integration: snow, reason: { kind: 'explicit' } },
    ]);
  });

  it('routes nowhere without rules, annotations or a routing default', () => {
    expect(
      routeIncident({
        facts,
        integrations: [snow, pd],
        routing: new Map(),
        annotations: [],
      }).matches,
    ).toEqual([]);
  });

  it('explains each kind of reason in a sentence', () => {
    expect(explainReason({ kind: 'rule', rule: 'payments', position: 2 })).toBe(
      "rule 2 'payments' matched",
    );
    expect(
      explainReason({
        kind: 'annotation',
        annotation: 'jira/project-key',
        value: 'OPS',
        entity_ref: 'group:default/sre',
      }),
    ).toBe('annotation jira/project-key=OPS on group:default/sre');
    expect(explainReason({ kind: 'explicit' })).toMatch(/listed/);
    expect(explainReason({ kind: 'default' })).toMatch(/by default/);
  });
});

describe('routing targets', () => {
  const SYS_ID = '0123456789abcdef0123456789abcdef';
  const found = (annotation: string, value: string, entity_ref = 'c') => ({
    annotation,
    value,
    entity_ref,
  });

  it("takes each field from the first annotation of the integration's type that has its shape", () => {
    const annotations = [
      found('pagerduty.com/service-id', 'PSVC002', 'component:default/a'),
      found('servicenow.com/entity-id', SYS_ID, 'component:default/a'),
      found('itsm-sync.io/servicenow-ci', 'billing-db', 'system:default/s'),
      found(
        'itsm-sync.io/servicenow-assignment-group',
        'payments-ops',
        'group:default/g',
      ),
      found('jira/project-key', 'PAY', 'group:default/g'),
    ];
    expect(routedTarget('pagerduty', annotations).target).toEqual({
      service_id: 'PSVC002',
    });
    // Our CI annotation goes before the ServiceNow plugin's entity id.
    const snowTarget = routedTarget('servicenow', annotations);
    expect(snowTarget.target).toEqual({
      assignment_group: 'payments-ops',
      configuration_item: 'billing-db',
    });
    expect(explainTarget(snowTarget.sources)).toBe(
      'assignment_group payments-ops (itsm-sync.io/servicenow-assignment-group on group:default/g), configuration_item billing-db (itsm-sync.io/servicenow-ci on system:default/s)',
    );
    expect(routedTarget('jira', annotations).target).toEqual({
      project_key: 'PAY',
    });
    expect(routedTarget('itsm-webhook', annotations)).toEqual({
      target: {},
      sources: [],
    });
  });

  it('uses servicenow.com/entity-id as the CI only when it is a sys_id', () => {
    expect(
      routedTarget('servicenow', [found('servicenow.com/entity-id', SYS_ID)])
        .target,
    ).toEqual({ configuration_item: SYS_ID });
    expect(
      routedTarget('servicenow', [
        found('servicenow.com/entity-id', 'payments-service'),
      ]).target,
    ).toEqual({});
  });

  it('leaves out values that cannot be the field: they still route, the default target applies', () => {
    expect(
      routedTarget('jira', [found('jira/project-key', 'not a key')]).target,
    ).toEqual({});
    expect(
      routedTarget('pagerduty', [found('pagerduty.com/service-id', 'p;x')])
        .target,
    ).toEqual({});
    expect(
      routedTarget('pagerduty', [
        found('pagerduty.com/integration-key', 'abc123'),
      ]).target,
    ).toEqual({});
  });
});
