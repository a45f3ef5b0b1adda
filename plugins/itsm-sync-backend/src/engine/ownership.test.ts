import type {
  FieldOwnershipRule,
  SyncDirection,
} from '@itsm-sync-hub/plugin-itsm-sync-common';
import {
  acceptsInbound,
  inboundAllowed,
  notesFlowOutbound,
  outboundChanges,
  ownerOf,
  ruleFor,
  sendsOutbound,
  type OwnershipFieldMapper,
} from './ownership';

// Default ownership as each connector seeds it (docs/sync-semantics.md#default-ownership-per-connector).
const SERVICENOW: FieldOwnershipRule[] = [
  { field: 'severity', owner: 'platform', priority: 10 },
  { field: 'title', owner: 'platform', priority: 10 },
  { field: 'description', owner: 'platform', priority: 10 },
  { field: 'assigned_to', owner: 'external', priority: 5 },
  { field: 'work_notes', owner: 'external', priority: 5 },
];
const JIRA: FieldOwnershipRule[] = [
  { field: 'severity', owner: 'platform', priority: 10 },
  { field: 'priority', owner: 'platform', priority: 10 },
  { field: 'assignee', owner: 'external', priority: 5 },
  { field: 'comments', owner: 'external', priority: 5 },
];
const PAGERDUTY: FieldOwnershipRule[] = [
  { field: 'title', owner: 'platform', priority: 10 },
  { field: 'description', owner: 'platform', priority: 10 },
  { field: 'escalation_policy', owner: 'external', priority: 5 },
  { field: 'assigned_to', owner: 'external', priority: 5 },
];

/** What the registry builds from a connector's platformFieldFor: vendor words and note aliases. */
function mapperOf(vendorWords: Record<string, string>): OwnershipFieldMapper {
  return field => {
    const mapped = vendorWords[field] ?? field;
    return ['work_notes', 'comments', 'notes'].includes(mapped)
      ? 'notes'
      : mapped;
  };
}
const jiraMapper = mapperOf({ priority: 'severity', assignee: 'assigned_to' });
const plainMapper = mapperOf({});

describe('ruleFor', () => {
  it('finds a rule by its platform field name', () => {
    expect(ruleFor('title', SERVICENOW)).toEqual({
      field: 'title',
      owner: 'platform',
      priority: 10,
    });
  });

  it('returns undefined when no rule names the field', () => {
    expect(ruleFor('status', SERVICENOW)).toBeUndefined();
    expect(ruleFor('title', [])).toBeUndefined();
  });

  it("reads a rule named in the vendor's words through the connector's mapper", () => {
    expect(ruleFor('assigned_to', JIRA, jiraMapper)).toEqual({
      field: 'assignee',
      owner: 'external',
      priority: 5,
    });
    expect(ruleFor('notes', JIRA, jiraMapper)?.field).toBe('comments');
    // Without the mapper, Jira's `assignee` governs nothing the platform calls assigned_to.
    expect(ruleFor('assigned_to', JIRA)).toBeUndefined();
  });

  it('keeps the raw field name when the mapper does not know it', () => {
    const mapper: OwnershipFieldMapper = () => undefined;
    expect(ruleFor('title', SERVICENOW, mapper)?.field).toBe('title');
  });

  it('picks the highest priority when several rules govern one platform field', () => {
    const rules: FieldOwnershipRule[] = [
      { field: 'severity', owner: 'platform', priority: 3 },
      { field: 'priority', owner: 'external', priority: 7 },
    ];
    expect(ruleFor('severity', rules, jiraMapper)).toEqual(rules[1]);
    expect(ruleFor('severity', [...rules].reverse(), jiraMapper)).toEqual(
      rules[1],
    );
  });

  it("breaks a priority tie in favour of the rule naming the platform field, whatever the list's order", () => {
    const direct: FieldOwnershipRule = {
      field: 'severity',
      owner: 'platform',
      priority: 5,
    };
    const alias: FieldOwnershipRule = {
      field: 'priority',
      owner: 'external',
      priority: 5,
    };
    expect(ruleFor('severity', [alias, direct], jiraMapper)).toBe(direct);
    expect(ruleFor('severity', [direct, alias], jiraMapper)).toBe(direct);
  });
});

describe('ownerOf', () => {
  it.each([
    [
      'ServiceNow',
      SERVICENOW,
      plainMapper,
      {
        title: 'platform',
        description: 'platform',
        severity: 'platform',
        assigned_to: 'external',
        notes: 'external',
        status: undefined,
        escalation_policy: undefined,
      },
    ],
    [
      'Jira SM',
      JIRA,
      jiraMapper,
      {
        severity: 'platform',
        assigned_to: 'external',
        notes: 'external',
        title: undefined,
        description: undefined,
        status: undefined,
      },
    ],
    [
      'PagerDuty',
      PAGERDUTY,
      plainMapper,
      {
        title: 'platform',
        description: 'platform',
        escalation_policy: 'external',
        assigned_to: 'external',
        severity: undefined,
        status: undefined,
      },
    ],
  ])(
    'follows the default ownership of %s',
    (_name, rules, mapper, expected) => {
      for (const [field, owner] of Object.entries(expected)) {
        expect([
          field,
          ownerOf(field, rules as FieldOwnershipRule[], mapper),
        ]).toEqual([field, owner]);
      }
    },
  );
});

describe('directions', () => {
  it.each<[SyncDirection, boolean, boolean]>([
    ['outbound', true, false],
    ['inbound', false, true],
    ['bidirectional', true, true],
  ])('%s: sends outbound %s, accepts inbound %s', (direction, out, inbound) => {
    expect(sendsOutbound(direction)).toBe(out);
    expect(acceptsInbound(direction)).toBe(inbound);
  });
});

describe('outboundChanges (external-owned fields are skipped)', () => {
  const all = {
    title: 'DB down',
    description: 'Primary unreachable',
    severity: 'SEV-1' as const,
    status: 'open' as const,
    assigned_to: 'alice',
    escalation_policy: 'P1',
  };

  it('ServiceNow: sends everything but assigned_to', () => {
    const { assigned_to, ...rest } = all;
    expect(outboundChanges(all, SERVICENOW, plainMapper)).toEqual(rest);
  });

  it('Jira SM: the mapper makes `assignee` keep assigned_to home', () => {
    const { assigned_to, ...rest } = all;
    expect(outboundChanges(all, JIRA, jiraMapper)).toEqual(rest);
  });

  it('PagerDuty: sends neither assigned_to nor escalation_policy', () => {
    const { assigned_to, escalation_policy, ...rest } = all;
    expect(outboundChanges(all, PAGERDUTY, plainMapper)).toEqual(rest);
  });

  it('sends every field when no rule names it', () => {
    expect(outboundChanges(all, [])).toEqual(all);
  });

  it('returns nothing when every changed field is externally owned', () => {
    expect(outboundChanges({ assigned_to: 'bob' }, SERVICENOW)).toEqual({});
  });
});

describe('inboundAllowed (inbound updates of platform-owned fields are ignored)', () => {
  it.each([
    ['title', SERVICENOW, plainMapper, false],
    ['severity', SERVICENOW, plainMapper, false],
    ['assigned_to', SERVICENOW, plainMapper, true],
    ['status', SERVICENOW, plainMapper, true],
    ['notes', SERVICENOW, plainMapper, true],
    ['severity', JIRA, jiraMapper, false],
    ['assigned_to', JIRA, jiraMapper, true],
    ['title', PAGERDUTY, plainMapper, false],
    ['escalation_policy', PAGERDUTY, plainMapper, true],
  ] as const)(
    '%s under rules set %# is allowed inbound: %s',
    (field, rules, mapper, allowed) => {
      expect(
        inboundAllowed(field, rules as unknown as FieldOwnershipRule[], mapper),
      ).toBe(allowed);
    },
  );
});

describe('notesFlowOutbound', () => {
  it('stops notes when the external side owns work notes or comments', () => {
    expect(notesFlowOutbound(SERVICENOW, plainMapper)).toBe(false);
    expect(notesFlowOutbound(JIRA, jiraMapper)).toBe(false);
  });

  it('lets notes flow when no rule or a platform rule covers them', () => {
    expect(notesFlowOutbound(PAGERDUTY, plainMapper)).toBe(true);
    expect(
      notesFlowOutbound(
        [{ field: 'work_notes', owner: 'platform', priority: 1 }],
        plainMapper,
      ),
    ).toBe(true);
  });
});
