import { parseSettings } from '../connector/settings';
import { serviceForIncident, incidentTypeForService } from './services';
import {
  severityFromPagerDuty,
  urgencyForSeverity,
  priorityNameForSeverity,
} from './severity';
import { statusFromPagerDuty, statusToPagerDuty } from './status';
import { ticketFromIncident } from './ticket';

describe('PagerDuty mappings', () => {
  it('maps severities to urgency and carries them as priorities', () => {
    expect(
      ['SEV-1', 'SEV-2', 'SEV-3', 'SEV-4'].map(s =>
        urgencyForSeverity(s as any),
      ),
    ).toEqual(['high', 'high', 'low', 'low']);
    for (const s of ['SEV-1', 'SEV-2', 'SEV-3', 'SEV-4'] as const) {
      expect(
        severityFromPagerDuty({
          urgency: urgencyForSeverity(s),
          priority: { id: 'X', summary: priorityNameForSeverity(s) },
        }),
      ).toBe(s);
    }
  });

  it('reads urgency alone as the more severe of its pair, and P5 as SEV-4', () => {
    expect(severityFromPagerDuty({ urgency: 'high', priority: null })).toBe(
      'SEV-1',
    );
    expect(severityFromPagerDuty({ urgency: 'low' })).toBe('SEV-3');
    expect(
      severityFromPagerDuty({
        urgency: 'low',
        priority: { id: 'X', name: 'P5' },
      }),
    ).toBe('SEV-4');
    expect(
      severityFromPagerDuty({
        urgency: 'weird',
        priority: { id: 'X', name: 'Sev A' },
      }),
    ).toBeUndefined();
  });

  it('maps statuses both ways, collapsing resolved and closed', () => {
    expect(
      ['open', 'mitigated', 'resolved', 'closed'].map(s =>
        statusToPagerDuty(s as any),
      ),
    ).toEqual(['triggered', 'acknowledged', 'resolved', 'resolved']);
    expect(
      ['triggered', 'acknowledged', 'resolved', 'other'].map(
        statusFromPagerDuty,
      ),
    ).toEqual(['open', 'mitigated', 'resolved', undefined]);
  });

  it('turns a REST incident into platform fields', () => {
    const ticket = ticketFromIncident(
      {
        id: 'PABC123',
        incident_number: 42,
        title: 'DB down',
        status: 'acknowledged',
        urgency: 'high',
        priority: { id: 'PP', summary: 'P2' },
        incident_key: 'hub-key',
        escalation_policy: { id: 'PEPL001' },
        assignments: [{ assignee: { id: 'PUSR001' } }],
        body: { details: 'primary lost' },
        updated_at: '2024-05-01T10:00:00Z',
        html_url: 'https://acme.pagerduty.com/incidents/PABC123',
      },
      'alice@example.com',
    );
    expect(ticket).toEqual({
      externalId: 'PABC123',
      externalKey: '42',
      url: 'https://acme.pagerduty.com/incidents/PABC123',
      dedupKey: 'hub-key',
      updatedAt: '2024-05-01T10:00:00Z',
      fields: {
        title: 'DB down',
        description: 'primary lost',
        severity: 'SEV-2',
        status: 'mitigated',
        assigned_to: 'alice@example.com',
        escalation_policy: 'PEPL001',
      },
    });
    // Resolved incidents lose their assignments in PagerDuty; that is not an unassignment.
    expect(
      ticketFromIncident(
        { id: 'P1', status: 'resolved', assignments: [] },
        undefined,
      ).fields,
    ).not.toHaveProperty('assigned_to');
    expect(
      ticketFromIncident(
        { id: 'P1', status: 'triggered', assignments: [] },
        undefined,
      ).fields.assigned_to,
    ).toBeNull();
  });

  it('chooses the service from the mapping, then the default', () => {
    const settings = parseSettings({
      default_service_id: 'PDEF001',
      service_mappings: [
        { pd_service: 'P123ABC', incident_type: 'infrastructure' },
      ],
    });
    expect(
      serviceForIncident(settings, {
        entity_ref: 'component:default/infrastructure',
      }),
    ).toBe('P123ABC');
    expect(
      serviceForIncident(settings, {
        entity_ref: 'component:default/checkout',
      }),
    ).toBe('PDEF001');
    expect(
      serviceForIncident(parseSettings({}), { entity_ref: null }),
    ).toBeUndefined();
    expect(incidentTypeForService(settings, 'P123ABC')).toBe('infrastructure');
  });

  it('refuses bad settings with a message naming the setting', () => {
    expect(() => parseSettings({ from_email: 'not-an-email' })).toThrow(
      /settings\.from_email/,
    );
    expect(() => parseSettings({ default_service_id: 'lower' })).toThrow(
      /settings\.default_service_id/,
    );
    expect(() =>
      parseSettings({ service_mappings: [{ pd_service: 'P123ABC' }] }),
    ).toThrow(/service_mappings\[0\]\.incident_type/);
    expect(() => parseSettings({ service_mappings: 'x' })).toThrow(
      /must be an array/,
    );
    expect(() => parseSettings({ sync_escalations: 'yes' })).toThrow(
      /sync_escalations/,
    );
    expect(() =>
      parseSettings({
        service_mappings: [
          { pd_service: 'P1', incident_type: 'db' },
          { pd_service: 'P2', incident_type: 'DB' },
        ],
      }),
    ).toThrow(/"db" twice/);
    expect(
      parseSettings({
        from_email: ' ops@example.com ',
        sync_escalations: true,
      }),
    ).toEqual({
      fromEmail: 'ops@example.com',
      serviceMappings: [],
      syncEscalations: true,
    });
  });
});
