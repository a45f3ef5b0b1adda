import { toAdf } from './adf';
import {
  changedFieldsFromChangelog,
  dedupLabel,
  jiraTimeToIso,
  jqlDate,
  platformStatusFor,
  severityForPriority,
  toExternalTicket,
  toJiraFields,
  type JiraIssue,
} from './mapping';
import { ownershipFieldMap } from './ownership';
import { readSettings } from './settings';

const settings = readSettings({ project_key: 'OPS' });

describe('Jira field mapping', () => {
  it('maps severities to priority names and back, Lowest reading as SEV-4', () => {
    expect(toJiraFields(settings, { severity: 'SEV-1' })).toEqual({
      priority: { name: 'Highest' },
    });
    expect(severityForPriority(settings, 'High')).toBe('SEV-2');
    expect(severityForPriority(settings, 'lowest')).toBe('SEV-4');
    expect(severityForPriority(settings, 'Whatever')).toBeUndefined();
    const custom = readSettings({
      project_key: 'OPS',
      priority_map: { 'SEV-1': 'P1' },
    });
    expect(toJiraFields(custom, { severity: 'SEV-1' })).toEqual({
      priority: { name: 'P1' },
    });
    expect(severityForPriority(custom, 'P1')).toBe('SEV-1');
  });

  it('maps statuses by name, then by status category for unknown ones', () => {
    expect(platformStatusFor(settings, { name: 'In Progress' })).toBe('open');
    expect(platformStatusFor(settings, { name: 'Waiting for customer' })).toBe(
      'mitigated',
    );
    expect(platformStatusFor(settings, { name: 'closed' })).toBe('closed');
    expect(
      platformStatusFor(settings, {
        name: 'Triage',
        statusCategory: { key: 'new' },
      }),
    ).toBe('open');
    expect(
      platformStatusFor(settings, {
        name: 'Shipped',
        statusCategory: { key: 'done' },
      }),
    ).toBe('resolved');
    expect(platformStatusFor(settings, null)).toBeUndefined();
  });

  it('writes edits without status (that goes through transitions) and assignee by accountId', () => {
    expect(
      toJiraFields(settings, {
        title: 'T',
        description: 'a\nb',
        status: 'resolved',
        assigned_to: '5b10a2844c20165700ede21g',
      }),
    ).toEqual({
      summary: 'T',
      description: toAdf('a\nb'),
      assignee: { accountId: '5b10a2844c20165700ede21g' },
    });
    expect(
      toJiraFields(settings, { assigned_to: null, description: '' }),
    ).toEqual({ assignee: null, description: null });
  });

  it('reads an issue into platform fields with its dedup key, browse link and project as a catalog key', () => {
    const issue: JiraIssue = {
      id: '10042',
      key: 'OPS-12',
      fields: {
        summary: 'Checkout down',
        description: toAdf('p99 > 2 s'),
        priority: { id: '2', name: 'High' },
        status: { name: 'Mitigated', statusCategory: { key: 'indeterminate' } },
        assignee: { accountId: 'acc-1', displayName: 'Mia' },
        labels: ['customer', dedupLabel('itsm-abc-def')],
        updated: '2024-01-15T10:30:00.000+0000',
      },
    };
    expect(
      toExternalTicket(settings, issue, 'https://acme.atlassian.net/'),
    ).toEqual({
      externalId: '10042',
      externalKey: 'OPS-12',
      url: 'https://acme.atlassian.net/browse/OPS-12',
      fields: {
        title: 'Checkout down',
        description: 'p99 > 2 s',
        severity: 'SEV-2',
        status: 'mitigated',
        assigned_to: 'acc-1',
      },
      updatedAt: '2024-01-15T10:30:00.000Z',
      dedupKey: 'itsm-abc-def',
      catalogKeys: [{ annotation: 'jira/project-key', value: 'OPS' }],
    });
  });

  it('keeps dedup labels free of spaces', () => {
    expect(dedupLabel('a b"c')).toBe('itsm-sync-a_b_c');
  });

  it('converts Jira times and writes JQL dates at minute precision in UTC', () => {
    expect(jiraTimeToIso('2024-01-15T10:30:00.000-0130')).toBe(
      '2024-01-15T12:00:00.000Z',
    );
    expect(jiraTimeToIso('garbage')).toBeUndefined();
    expect(jqlDate(new Date('2024-03-05T07:08:59.999Z'))).toBe(
      '2024/03/05 07:08',
    );
  });

  it('turns changelog items into the changed platform fields only', () => {
    const items = [
      {
        field: 'status',
        fieldId: 'status',
        from: '3',
        fromString: 'In Progress',
        to: '5',
        toString: 'Resolved',
      },
      {
        field: 'priority',
        fieldId: 'priority',
        from: '3',
        fromString: 'Medium',
        to: '1',
        toString: 'Highest',
      },
      {
        field: 'assignee',
        fieldId: 'assignee',
        from: null,
        fromString: null,
        to: 'acc-2',
        toString: 'Emma',
      },
      {
        field: 'summary',
        fieldId: 'summary',
        fromString: 'old',
        toString: 'new',
      },
      { field: 'labels', fieldId: 'labels', fromString: '', toString: 'x' },
    ];
    expect(changedFieldsFromChangelog(settings, items, undefined)).toEqual({
      status: 'resolved',
      severity: 'SEV-1',
      assigned_to: 'acc-2',
      title: 'new',
    });
    expect(
      changedFieldsFromChangelog(
        settings,
        [{ field: 'assignee', to: null, toString: null }],
        undefined,
      ),
    ).toEqual({ assigned_to: null });
  });

  it('names the platform field each Jira ownership name governs', () => {
    expect(ownershipFieldMap.priority).toBe('severity');
    expect(ownershipFieldMap.assignee).toBe('assigned_to');
    expect(ownershipFieldMap.comments).toBe('notes');
    expect(ownershipFieldMap.summary).toBe('title');
  });
});
