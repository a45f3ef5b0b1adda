import { fromServiceNowColumns, toServiceNowColumns } from './fields';
import { fromGlideDateTime, toGlideDateTime } from './glideDateTime';
import { normaliseRecord } from './record';
import { resolveSettings } from './settings';

const defaults = resolveSettings({});

describe('platform fields -> ServiceNow columns', () => {
  it('maps every synced field of a new incident', () => {
    expect(
      toServiceNowColumns(
        {
          title: 'Checkout down',
          description: 'p99 > 2 s',
          severity: 'SEV-2',
          status: 'open',
          assigned_to: 'Beth Anglin',
          escalation_policy: 'P1',
        },
        defaults,
        { creating: true },
      ),
    ).toEqual({
      short_description: 'Checkout down',
      description: 'p99 > 2 s',
      impact: '1',
      urgency: '2',
      state: '1',
      assigned_to: 'Beth Anglin',
    });
  });

  it('writes only the changed fields and clears a removed assignee', () => {
    expect(toServiceNowColumns({ assigned_to: null }, defaults)).toEqual({
      assigned_to: '',
    });
    expect(toServiceNowColumns({ title: 'x' }, defaults)).toEqual({
      short_description: 'x',
    });
    expect(toServiceNowColumns({ escalation_policy: 'P1' }, defaults)).toEqual(
      {},
    );
  });
});

describe('ServiceNow columns -> platform fields', () => {
  it('maps title, description, severity, status and the assignee display value', () => {
    expect(
      fromServiceNowColumns(
        {
          short_description: 'Disk full',
          description: 'd',
          impact: '2',
          urgency: '2',
          priority: '3',
          state: '3',
          assignee: 'David Loo',
        },
        defaults,
      ),
    ).toEqual({
      title: 'Disk full',
      description: 'd',
      severity: 'SEV-3',
      status: 'mitigated',
      assigned_to: 'David Loo',
    });
  });

  it('reads an empty assignee as unassigned and leaves absent columns out', () => {
    expect(fromServiceNowColumns({ assignee: '' }, defaults)).toEqual({
      assigned_to: null,
    });
    expect(fromServiceNowColumns({}, defaults)).toEqual({});
  });
});

describe('Table API values', () => {
  it('normalises plain strings, value/display pairs and reference objects', () => {
    expect(
      normaliseRecord({
        state: '2',
        impact: { value: '1', display_value: '1 - High' },
        assigned_to: {
          value: 'abc',
          link: 'http://x/api/now/table/sys_user/abc',
        },
        empty: null,
      }),
    ).toEqual({
      state: { value: '2', display: '2' },
      impact: { value: '1', display: '1 - High' },
      assigned_to: { value: 'abc', display: 'abc' },
      empty: { value: '', display: '' },
    });
  });

  it('converts UTC ServiceNow times to and from ISO', () => {
    expect(toGlideDateTime(new Date('2024-03-05T07:08:09.456Z'))).toBe(
      '2024-03-05 07:08:09',
    );
    expect(fromGlideDateTime('2024-03-05 07:08:09')).toBe(
      '2024-03-05T07:08:09.000Z',
    );
    expect(fromGlideDateTime('05/03/2024 07:08')).toBeUndefined();
  });
});
