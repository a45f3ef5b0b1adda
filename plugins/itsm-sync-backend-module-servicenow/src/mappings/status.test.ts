import { resolveSettings } from './settings';
import { statusFromServiceNow, statusToServiceNow } from './status';

const defaults = resolveSettings({});

describe('status -> state', () => {
  it('opens a new ticket as New (1) and reopens an existing one as In Progress (2)', () => {
    expect(statusToServiceNow('open', defaults, { creating: true })).toEqual({
      state: '1',
    });
    expect(statusToServiceNow('open', defaults)).toEqual({ state: '2' });
  });

  it('puts a mitigated incident On Hold (3) with a hold reason', () => {
    expect(statusToServiceNow('mitigated', defaults)).toEqual({
      state: '3',
      hold_reason: '1',
    });
  });

  it('resolves (6) and closes (7) with close_code and close_notes', () => {
    expect(statusToServiceNow('resolved', defaults)).toEqual({
      state: '6',
      close_code: 'Solution provided',
      close_notes: 'Resolved in the incident platform',
    });
    expect(statusToServiceNow('closed', defaults)).toEqual({
      state: '7',
      close_code: 'Solution provided',
      close_notes: 'Resolved in the incident platform',
    });
  });

  it('follows state_map, hold_reason and close settings', () => {
    const settings = resolveSettings({
      state_map: { mitigated: '4' },
      hold_reason: '4',
      close_code: 'Workaround provided',
      close_notes: 'Closed by the hub',
    });
    expect(statusToServiceNow('mitigated', settings)).toEqual({ state: '4' });
    expect(statusToServiceNow('resolved', settings)).toMatchObject({
      close_code: 'Workaround provided',
      close_notes: 'Closed by the hub',
    });
    expect(
      statusToServiceNow('mitigated', resolveSettings({ hold_reason: '4' })),
    ).toEqual({ state: '3', hold_reason: '4' });
  });
});

describe('state -> status', () => {
  it.each([
    ['1', 'open'],
    ['2', 'open'],
    ['3', 'mitigated'],
    ['4', 'mitigated'],
    ['6', 'resolved'],
    ['7', 'closed'],
    ['8', 'closed'],
  ])('state %s reads as %s', (state, status) => {
    expect(statusFromServiceNow(state, defaults)).toBe(status);
  });

  it('reads custom states named in state_read_map or written by state_map', () => {
    const settings = resolveSettings({
      state_read_map: { '10': 'mitigated' },
      state_map: { resolved: '11' },
    });
    expect(statusFromServiceNow('10', settings)).toBe('mitigated');
    expect(statusFromServiceNow('11', settings)).toBe('resolved');
  });

  it('gives nothing for an unknown or absent state', () => {
    expect(statusFromServiceNow('99', defaults)).toBeUndefined();
    expect(statusFromServiceNow(undefined, defaults)).toBeUndefined();
  });
});
