import { readSettings } from './settings';

describe('Jira settings', () => {
  it('applies the spec defaults', () => {
    const s = readSettings({ project_key: 'OPS' });
    expect(s.issueType).toBe('Incident');
    expect(s.priorityBySeverity).toEqual({
      'SEV-1': 'Highest',
      'SEV-2': 'High',
      'SEV-3': 'Medium',
      'SEV-4': 'Low',
    });
    expect(s.statusesByPlatform.mitigated[0]).toBe('Mitigated');
    expect(s.jwtIssuer).toBeUndefined();
  });

  it('takes configured priority and status maps over the defaults', () => {
    const s = readSettings({
      project_key: 'SUP',
      issue_type: 'Service request',
      priority_map: { 'SEV-1': 'Blocker' },
      status_map: { mitigated: ['Monitoring'], closed: 'Archived' },
      jwt_issuer: 'client-key',
      jwt_base_path: '/api/itsm-sync/',
    });
    expect(s.priorityBySeverity['SEV-1']).toBe('Blocker');
    expect(s.priorityBySeverity['SEV-2']).toBe('High');
    expect(s.statusesByPlatform.mitigated).toEqual(['Monitoring']);
    expect(s.statusesByPlatform.closed).toEqual(['Archived']);
    expect(s.jwtBasePath).toBe('/api/itsm-sync');
  });

  it('maps severities to the classic scheme with priority_scheme classic, and turns inbound creation off on request', () => {
    const s = readSettings({
      project_key: 'OPS',
      priority_scheme: 'classic',
      priority_map: { 'SEV-4': 'Trivial' },
      inbound_create: false,
    });
    expect(s.priorityBySeverity).toEqual({
      'SEV-1': 'Blocker',
      'SEV-2': 'Critical',
      'SEV-3': 'Major',
      'SEV-4': 'Trivial',
    });
    expect(s.inboundCreate).toBe(false);
    expect(readSettings({ project_key: 'OPS' }).inboundCreate).toBe(true);
  });

  it.each([
    [{}, /project_key must be a non-empty string/],
    [
      { project_key: 'OPS', priority_scheme: 'modern' },
      /priority_scheme 'modern' must be default \(Highest..Lowest\) or classic/,
    ],
    [
      { project_key: 'OPS', inbound_create: 'yes' },
      /inbound_create must be true or false/,
    ],
    [
      { project_key: 'ops' },
      /project_key 'ops' must be an upper-case Jira project key/,
    ],
    [
      { project_key: 'OPS', issue_type: '' },
      /issue_type must be a non-empty string/,
    ],
    [
      { project_key: 'OPS', priority_map: { 'SEV-9': 'High' } },
      /priority_map key 'SEV-9' must be one of SEV-1/,
    ],
    [
      { project_key: 'OPS', priority_map: ['High'] },
      /priority_map must be an object/,
    ],
    [
      { project_key: 'OPS', status_map: { pending: ['x'] } },
      /status_map key 'pending' must be one of open/,
    ],
    [
      { project_key: 'OPS', status_map: { open: [] } },
      /status_map.open must name at least one Jira status/,
    ],
    [
      { project_key: 'OPS', status_map: { open: ['Resolved'] } },
      /Jira status 'Resolved' for both open and resolved/,
    ],
    [
      { project_key: 'OPS', jwt_base_path: 'api' },
      /jwt_base_path must start with \//,
    ],
  ])('refuses %j naming the bad setting', (settings, message) => {
    expect(() => readSettings(settings as Record<string, unknown>)).toThrow(
      message,
    );
  });
});
