import type { PdEventType } from './eventCatalogue';
import type { CapturedWebhook, PagerDutySimulator } from './index';

/** One delivery of each event type, in the order a person's actions produced them. */
export type EveryPagerDutyEvent = Array<{
  eventType: PdEventType;
  webhook: CapturedWebhook;
  delivery: number | 'error' | 'captured';
}>;

/**
 * Acts as people would in PagerDuty so that every event type of the catalogue is
 * delivered once: an incident is triggered on `serviceId`, worked through its life
 * (priority, notes, status updates, bridge, responders, escalation, delegation, workflow,
 * custom fields, type, service) and resolved and reopened; then service events and a
 * ping. For tests that must see the vendor's whole catalogue.
 */
export async function deliverEveryPagerDutyEvent(
  sim: PagerDutySimulator,
  options: { title?: string; serviceId?: string } = {},
): Promise<EveryPagerDutyEvent> {
  const out: EveryPagerDutyEvent = [];
  const keep = (
    eventType: PdEventType,
    action: {
      webhook: CapturedWebhook;
      delivery: number | 'error' | 'captured';
    },
  ) => {
    out.push({ eventType, webhook: action.webhook, delivery: action.delivery });
  };
  const triggered = await sim.trigger({
    title: options.title ?? 'Every event',
    serviceId: options.serviceId ?? 'PSVC001',
    details: 'Driven through every event',
  });
  const id = triggered.incident.id;
  keep('incident.triggered', triggered);
  keep('incident.acknowledged', await sim.acknowledge(id, 'PUSR002'));
  keep('incident.unacknowledged', await sim.reopen(id));
  keep('incident.priority_updated', await sim.changePriority(id, 'P1'));
  keep(
    'incident.annotated',
    await sim.annotate(id, 'Rolled back the deploy', 'PUSR002'),
  );
  keep(
    'incident.status_update_published',
    await sim.publishStatusUpdate(id, 'A fix is being rolled out'),
  );
  keep(
    'incident.conference_bridge.updated',
    await sim.setConferenceBridge(id, {
      number: '+1 555-0100,,123456#',
      url: 'https://meet.example.com/war-room',
    }),
  );
  keep(
    'incident.responder.added',
    await sim.addResponder(id, 'PUSR003', 'Please join the bridge'),
  );
  keep(
    'incident.responder.replied',
    await sim.replyAsResponder(id, 'PUSR003', 'joined'),
  );
  keep('incident.reassigned', await sim.reassign(id, 'PUSR002'));
  keep('incident.escalated', await sim.escalate(id));
  keep('incident.delegated', await sim.delegate(id, 'PEPL002'));
  keep(
    'incident.custom_field_values.updated',
    await sim.setCustomFields(id, { environment: 'production' }),
  );
  keep(
    'incident.incident_type.changed',
    await sim.changeIncidentType(id, 'major'),
  );
  const workflow = await sim.runWorkflow(id);
  keep('incident.workflow.started', workflow.started);
  keep('incident.workflow.completed', workflow.completed);
  keep('incident.service_updated', await sim.moveToService(id, 'PSVC002'));
  keep('incident.resolved', await sim.resolve(id));
  keep('incident.reopened', await sim.reopen(id));
  keep('service.created', await sim.serviceEvent('service.created', 'PSVC002'));
  keep('service.updated', await sim.serviceEvent('service.updated', 'PSVC002'));
  keep('service.deleted', await sim.serviceEvent('service.deleted', 'PSVC002'));
  keep('pagey.ping', await sim.ping());
  return out;
}
