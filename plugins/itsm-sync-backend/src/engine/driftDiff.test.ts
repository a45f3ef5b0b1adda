import type { FieldOwnershipRule } from '@itsm-sync-hub/plugin-itsm-sync-common';
import {
  diffIncidentAndTicket,
  healAction,
  healPlan,
  type DriftInput,
} from './driftDiff';

const rules: FieldOwnershipRule[] = [
  { field: 'title', owner: 'platform', priority: 10 },
  { field: 'assigned_to', owner: 'external', priority: 5 },
];

const platform = {
  title: 'Checkout down',
  description: 'p95 > 2s',
  severity: 'SEV-2',
  status: 'open',
  assigned_to: 'alice',
  escalation_policy: null,
};

function input(overrides: Partial<DriftInput>): DriftInput {
  return {
    platform,
    external: { ...platform },
    lastWritten: { ...platform },
    rules,
    direction: 'bidirectional',
    ...overrides,
  };
}

describe('diffIncidentAndTicket', () => {
  it('reports nothing when the ticket matches, treating null, undefined and empty string alike', () => {
    expect(
      diffIncidentAndTicket(
        input({ external: { ...platform, escalation_policy: '' } }),
      ),
    ).toEqual([]);
  });

  it('only compares fields the connector reports on the ticket', () => {
    const external = { title: platform.title, severity: platform.severity };
    expect(
      diffIncidentAndTicket(
        input({ external: { ...external, description: undefined } }),
      ),
    ).toEqual([]);
  });

  it('pushes a platform-owned field and pulls an external-owned one, whatever the base says', () => {
    const drifts = diffIncidentAndTicket(
      input({
        external: {
          ...platform,
          title: 'Edited at vendor',
          assigned_to: 'bob',
        },
        lastWritten: {},
      }),
    );
    expect(drifts).toEqual([
      {
        field: 'title',
        platform_value: 'Checkout down',
        external_value: 'Edited at vendor',
        owner: 'platform',
        action: 'push_platform',
      },
      {
        field: 'assigned_to',
        platform_value: 'alice',
        external_value: 'bob',
        owner: 'external',
        action: 'pull_external',
      },
    ]);
  });

  it('settles an unowned field by which side moved away from the last agreed value', () => {
    const ticketMoved = diffIncidentAndTicket(
      input({ external: { ...platform, status: 'resolved' } }),
    );
    expect(ticketMoved).toEqual([
      {
        field: 'status',
        platform_value: 'open',
        external_value: 'resolved',
        owner: null,
        action: 'pull_external',
      },
    ]);
    const platformMoved = diffIncidentAndTicket(
      input({
        external: { ...platform, status: 'open' },
        platform: { ...platform, status: 'mitigated' },
      }),
    );
    expect(platformMoved[0]).toMatchObject({
      field: 'status',
      owner: null,
      action: 'push_platform',
    });
    const bothMoved = diffIncidentAndTicket(
      input({
        platform: { ...platform, status: 'mitigated' },
        external: { ...platform, status: 'resolved' },
      }),
    );
    expect(bothMoved[0]).toMatchObject({ field: 'status', action: 'none' });
    const noBase = diffIncidentAndTicket(
      input({ external: { ...platform, status: 'resolved' }, lastWritten: {} }),
    );
    expect(noBase[0]).toMatchObject({ field: 'status', action: 'none' });
  });

  it('maps a connector ownership name to the platform field it governs', () => {
    const drifts = diffIncidentAndTicket(
      input({
        rules: [{ field: 'priority', owner: 'platform', priority: 10 }],
        mapField: f => (f === 'priority' ? 'severity' : f),
        external: { ...platform, severity: 'SEV-4' },
        lastWritten: {},
      }),
    );
    expect(drifts).toEqual([
      {
        field: 'severity',
        platform_value: 'SEV-2',
        external_value: 'SEV-4',
        owner: 'platform',
        action: 'push_platform',
      },
    ]);
  });

  it('never heals against the sync direction or over a conflict waiting for review', () => {
    const external = { ...platform, title: 'Edited', assigned_to: 'bob' };
    const outboundOnly = diffIncidentAndTicket(
      input({ external, direction: 'outbound' }),
    );
    expect(outboundOnly.map(d => [d.field, d.action])).toEqual([
      ['title', 'push_platform'],
      ['assigned_to', 'none'],
    ]);
    const inboundOnly = diffIncidentAndTicket(
      input({ external, direction: 'inbound' }),
    );
    expect(inboundOnly.map(d => [d.field, d.action])).toEqual([
      ['title', 'none'],
      ['assigned_to', 'pull_external'],
    ]);
    const reviewed = diffIncidentAndTicket(
      input({ external, pendingConflictFields: new Set(['assigned_to']) }),
    );
    expect(reviewed.map(d => [d.field, d.action])).toEqual([
      ['title', 'push_platform'],
      ['assigned_to', 'none'],
    ]);
  });
});

describe('healAction', () => {
  it('does nothing for an unowned field whose base is unknown', () => {
    expect(
      healAction({
        owner: undefined,
        platformValue: 'a',
        externalValue: 'b',
        base: { known: false, value: undefined },
        direction: 'bidirectional',
      }),
    ).toBe('none');
  });
});

describe('healPlan', () => {
  it('splits drifts into fields to push and values to pull, leaving out the unhealable', () => {
    expect(
      healPlan([
        {
          field: 'title',
          platform_value: 'a',
          external_value: 'b',
          owner: 'platform',
          action: 'push_platform',
        },
        {
          field: 'assigned_to',
          platform_value: 'x',
          external_value: 'y',
          owner: 'external',
          action: 'pull_external',
        },
        {
          field: 'status',
          platform_value: 'open',
          external_value: 'closed',
          owner: null,
          action: 'none',
        },
      ]),
    ).toEqual({ push: ['title'], pull: { assigned_to: 'y' } });
  });
});
