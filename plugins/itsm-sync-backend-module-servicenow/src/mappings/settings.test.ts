import { DEFAULT_SETTINGS, resolveSettings } from './settings';

describe('ServiceNow settings', () => {
  it('fills every default when nothing is set', () => {
    expect(resolveSettings({})).toEqual(DEFAULT_SETTINGS);
  });

  it('merges partial maps over the defaults', () => {
    const s = resolveSettings({
      severity_map: { 'SEV-4': { impact: 3, urgency: '2' } },
      page_size: 5,
    });
    expect(s.severity_map['SEV-4']).toEqual({ impact: '3', urgency: '2' });
    expect(s.severity_map['SEV-1']).toEqual({ impact: '1', urgency: '1' });
    expect(s.page_size).toBe(5);
  });

  it.each([
    [{ severity_map: [] }, 'severity_map must be an object'],
    [
      { severity_map: { 'SEV-9': { impact: '1', urgency: '1' } } },
      "severity_map has unknown severity 'SEV-9'",
    ],
    [
      { severity_map: { 'SEV-1': { impact: 'high', urgency: '1' } } },
      'severity_map.SEV-1.impact must be a ServiceNow choice value',
    ],
    [
      { severity_map: { 'SEV-1': 'high' } },
      'severity_map.SEV-1 must be an object {impact, urgency}',
    ],
    [{ state_map: { pending: '4' } }, "state_map has unknown status 'pending'"],
    [
      { state_map: { open: 'In Progress' } },
      'state_map.open must be a ServiceNow choice value',
    ],
    [
      { state_read_map: { '10': 'paused' } },
      'state_read_map.10 must be one of open, mitigated, resolved, closed',
    ],
    [{ priority_map: { '2': 'high' } }, 'priority_map.2 must be one of SEV-1'],
    [
      { hold_reason: 'Awaiting Vendor' },
      'hold_reason must be a ServiceNow choice value',
    ],
    [{ close_code: '' }, 'close_code must be a non-empty string'],
    [{ page_size: 0 }, 'page_size must be an integer from 1 to 10000'],
    [{ require_timestamp: 'yes' }, 'require_timestamp must be true or false'],
  ])('refuses %j with a message naming the setting', (settings, message) => {
    expect(() => resolveSettings(settings as Record<string, unknown>)).toThrow(
      message,
    );
  });
});
