import { resolveSettings } from './settings';
import { severityFromServiceNow, severityToServiceNow } from './severity';

const defaults = resolveSettings({});

describe('severity -> impact/urgency', () => {
  it.each([
    ['SEV-1', '1', '1', '1'],
    ['SEV-2', '1', '2', '2'],
    ['SEV-3', '2', '2', '3'],
    ['SEV-4', '3', '3', '5'],
  ] as const)(
    '%s writes impact %s, urgency %s (priority %s)',
    (severity, impact, urgency, priority) => {
      expect(severityToServiceNow(severity, defaults)).toEqual({
        impact,
        urgency,
        priority,
      });
    },
  );

  it('follows an overridden severity_map', () => {
    const settings = resolveSettings({
      severity_map: { 'SEV-2': { impact: '2', urgency: '1' } },
    });
    expect(severityToServiceNow('SEV-2', settings)).toEqual({
      impact: '2',
      urgency: '1',
      priority: '2',
    });
    expect(severityToServiceNow('SEV-1', settings)).toEqual({
      impact: '1',
      urgency: '1',
      priority: '1',
    });
  });
});

describe('impact/urgency -> severity', () => {
  it.each([
    ['1', '1', 'SEV-1'],
    ['1', '2', 'SEV-2'],
    ['2', '1', 'SEV-2'],
    ['2', '2', 'SEV-3'],
    ['1', '3', 'SEV-3'],
    ['3', '1', 'SEV-3'],
    ['2', '3', 'SEV-4'],
    ['3', '2', 'SEV-4'],
    ['3', '3', 'SEV-4'],
  ])('impact %s, urgency %s reads as %s', (impact, urgency, severity) => {
    expect(severityFromServiceNow({ impact, urgency }, defaults)).toBe(
      severity,
    );
  });

  it('reads the priority when the payload has no urgency (the minimal business-rule payload)', () => {
    expect(
      severityFromServiceNow({ impact: '1', priority: '1' }, defaults),
    ).toBe('SEV-1');
    expect(
      severityFromServiceNow({ impact: '2', priority: '4' }, defaults),
    ).toBe('SEV-4');
    expect(severityFromServiceNow({ priority: '5' }, defaults)).toBe('SEV-4');
  });

  it('prefers an overridden pair over the priority it yields', () => {
    // 1/3 is priority 3 (SEV-3) by the matrix, but this instance writes SEV-2 as 1/3.
    const settings = resolveSettings({
      severity_map: { 'SEV-2': { impact: '1', urgency: '3' } },
    });
    expect(
      severityFromServiceNow({ impact: '1', urgency: '3' }, settings),
    ).toBe('SEV-2');
  });

  it('follows an overridden priority_map', () => {
    const settings = resolveSettings({ priority_map: { '4': 'SEV-3' } });
    expect(
      severityFromServiceNow({ impact: '2', urgency: '3' }, settings),
    ).toBe('SEV-3');
  });

  it('gives nothing when nothing usable is present', () => {
    expect(severityFromServiceNow({}, defaults)).toBeUndefined();
    expect(severityFromServiceNow({ priority: '9' }, defaults)).toBeUndefined();
  });
});
