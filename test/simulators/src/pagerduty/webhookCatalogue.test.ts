import { createHmac } from 'node:crypto';
import {
  PAGERDUTY_EVENT_CATALOGUE,
  deliverEveryPagerDutyEvent,
  PagerDutySimulator,
} from './index';

/*
 * The keys of each `event.data` type as PagerDuty's "Webhooks Overview" documents them
 * (its Event Data Types examples), and of the envelope. The simulator must emit exactly
 * these: no key PagerDuty does not send (the hub would come to rely on it), none missing.
 */
const DOCUMENTED_DATA_KEYS: Record<string, string[]> = {
  incident: [
    'id',
    'type',
    'self',
    'html_url',
    'number',
    'status',
    'incident_key',
    'created_at',
    'title',
    'incident_type',
    'service',
    'assignees',
    'escalation_policy',
    'teams',
    'priority',
    'urgency',
    'conference_bridge',
    'resolve_reason',
  ],
  incident_note: ['incident', 'id', 'content', 'trimmed', 'type'],
  incident_status_update: ['incident', 'id', 'message', 'trimmed', 'type'],
  incident_responder: [
    'incident',
    'user',
    'escalation_policy',
    'message',
    'state',
    'type',
  ],
  incident_conference_bridge: [
    'incident',
    'conference_numbers',
    'conference_url',
    'type',
  ],
  incident_field_values: [
    'incident',
    'custom_fields',
    'changed_custom_fields',
    'type',
  ],
  incident_workflow_instance: [
    'id',
    'type',
    'summary',
    'incident_workflow',
    'workflow_trigger',
    'incident',
    'service',
  ],
  service: [
    'html_url',
    'id',
    'self',
    'summary',
    'alert_creation',
    'teams',
    'type',
  ],
  ping: ['message', 'type'],
};
const ENVELOPE_KEYS = [
  'id',
  'event_type',
  'resource_type',
  'occurred_at',
  'agent',
  'client',
  'data',
];
const REFERENCE_KEYS = ['id', 'type', 'summary', 'self', 'html_url'];

/** The event types PagerDuty's documentation lists for v3 webhooks (and the test ping). */
const DOCUMENTED_EVENT_TYPES = [
  'incident.acknowledged',
  'incident.annotated',
  'incident.conference_bridge.updated',
  'incident.custom_field_values.updated',
  'incident.delegated',
  'incident.escalated',
  'incident.incident_type.changed',
  'incident.priority_updated',
  'incident.reassigned',
  'incident.reopened',
  'incident.resolved',
  'incident.responder.added',
  'incident.responder.replied',
  'incident.service_updated',
  'incident.status_update_published',
  'incident.triggered',
  'incident.unacknowledged',
  'incident.workflow.started',
  'incident.workflow.completed',
  'service.created',
  'service.deleted',
  'service.updated',
  'pagey.ping',
];

const sorted = (keys: Iterable<string>) => [...keys].sort();

describe('PagerDutySimulator webhook catalogue', () => {
  let sim: PagerDutySimulator;
  beforeAll(async () => {
    sim = await PagerDutySimulator.start();
    sim.setWebhookTarget({ secret: 'catalogue-secret' });
  });
  afterAll(() => sim.stop());

  it('knows exactly the documented event types, with their resource and data types', () => {
    expect(sorted(Object.keys(PAGERDUTY_EVENT_CATALOGUE))).toEqual(
      sorted(DOCUMENTED_EVENT_TYPES),
    );
    for (const [type, { resourceType, dataType }] of Object.entries(
      PAGERDUTY_EVENT_CATALOGUE,
    )) {
      expect(resourceType).toBe(type.split('.')[0]);
      expect(Object.keys(DOCUMENTED_DATA_KEYS)).toContain(dataType);
    }
  });

  it('delivers every documented event type once, each shaped as documented and signed', async () => {
    const events = await deliverEveryPagerDutyEvent(sim);
    expect(sorted(events.map(e => e.eventType))).toEqual(
      sorted(DOCUMENTED_EVENT_TYPES),
    );
    for (const { eventType, webhook } of events) {
      const expectedSignature = `v1=${createHmac('sha256', 'catalogue-secret').update(webhook.rawBody).digest('hex')}`;
      expect(webhook.headers['x-pagerduty-signature']).toBe(expectedSignature);
      const { event } = JSON.parse(webhook.rawBody.toString('utf8'));
      const { resourceType, dataType } = PAGERDUTY_EVENT_CATALOGUE[eventType];
      expect({ eventType, envelope: sorted(Object.keys(event)) }).toEqual({
        eventType,
        envelope: sorted(ENVELOPE_KEYS),
      });
      expect(event).toMatchObject({
        event_type: eventType,
        resource_type: resourceType,
      });
      expect(Date.parse(event.occurred_at)).not.toBeNaN();
      expect({ eventType, data: sorted(Object.keys(event.data)) }).toEqual({
        eventType,
        data: sorted(DOCUMENTED_DATA_KEYS[dataType]),
      });
      expect(event.data.type).toBe(dataType);
    }
    const references = events
      .map(
        ({ webhook }) =>
          JSON.parse(webhook.rawBody.toString('utf8')).event.data.incident,
      )
      .filter(Boolean);
    expect(references.length).toBeGreaterThan(5);
    for (const reference of references) {
      expect(sorted(Object.keys(reference))).toEqual(sorted(REFERENCE_KEYS));
      expect(reference.type).toBe('incident_reference');
    }
  });

  it('carries the documented values: new assignees on escalation and delegation, the priority, the bridge numbers as a list', async () => {
    const { incident } = await sim.trigger({ title: 'Shapes' });
    const data = async (action: Promise<{ webhook: { rawBody: Buffer } }>) =>
      JSON.parse((await action).webhook.rawBody.toString('utf8')).event.data;
    expect(
      (await data(sim.escalate(incident.id))).assignees.map((a: any) => a.id),
    ).toEqual(['PUSR003']);
    const delegated = await data(sim.delegate(incident.id, 'PEPL002'));
    expect(delegated.escalation_policy).toMatchObject({
      id: 'PEPL002',
      type: 'escalation_policy_reference',
    });
    expect(delegated.assignees.length).toBeGreaterThan(0);
    expect(
      (await data(sim.changePriority(incident.id, 'P2'))).priority,
    ).toMatchObject({ summary: 'P2', type: 'priority_reference' });
    expect(
      await data(
        sim.setConferenceBridge(incident.id, {
          number: '+1 555-0101',
          url: 'https://meet.example.com/x',
        }),
      ),
    ).toMatchObject({
      conference_numbers: [{ label: '', number: '+1 555-0101' }],
      conference_url: 'https://meet.example.com/x',
    });
    const ping = JSON.parse(
      (await sim.ping()).webhook.rawBody.toString('utf8'),
    ).event;
    expect(ping).toMatchObject({
      event_type: 'pagey.ping',
      resource_type: 'pagey',
      agent: null,
      client: null,
    });
  });
});
