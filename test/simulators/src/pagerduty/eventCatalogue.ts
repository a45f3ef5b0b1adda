/**
 * PagerDuty's v3 webhook event types, as its developer documentation lists them
 * ("Webhooks Overview", Event Types and Event Data Types): each type's `resource_type`
 * and the `type` of its `event.data`. `pagey.ping` is the delivery PagerDuty sends when a
 * person tests a subscription.
 */
export const PAGERDUTY_EVENT_CATALOGUE = {
  'incident.acknowledged': { resourceType: 'incident', dataType: 'incident' },
  'incident.annotated': { resourceType: 'incident', dataType: 'incident_note' },
  'incident.conference_bridge.updated': {
    resourceType: 'incident',
    dataType: 'incident_conference_bridge',
  },
  'incident.custom_field_values.updated': {
    resourceType: 'incident',
    dataType: 'incident_field_values',
  },
  'incident.delegated': { resourceType: 'incident', dataType: 'incident' },
  'incident.escalated': { resourceType: 'incident', dataType: 'incident' },
  'incident.incident_type.changed': {
    resourceType: 'incident',
    dataType: 'incident',
  },
  'incident.priority_updated': {
    resourceType: 'incident',
    dataType: 'incident',
  },
  'incident.reassigned': { resourceType: 'incident', dataType: 'incident' },
  'incident.reopened': { resourceType: 'incident', dataType: 'incident' },
  'incident.resolved': { resourceType: 'incident', dataType: 'incident' },
  'incident.responder.added': {
    resourceType: 'incident',
    dataType: 'incident_responder',
  },
  'incident.responder.replied': {
    resourceType: 'incident',
    dataType: 'incident_responder',
  },
  'incident.service_updated': {
    resourceType: 'incident',
    dataType: 'incident',
  },
  'incident.status_update_published': {
    resourceType: 'incident',
    dataType: 'incident_status_update',
  },
  'incident.triggered': { resourceType: 'incident', dataType: 'incident' },
  'incident.unacknowledged': { resourceType: 'incident', dataType: 'incident' },
  'incident.workflow.started': {
    resourceType: 'incident',
    dataType: 'incident_workflow_instance',
  },
  'incident.workflow.completed': {
    resourceType: 'incident',
    dataType: 'incident_workflow_instance',
  },
  'service.created': { resourceType: 'service', dataType: 'service' },
  'service.deleted': { resourceType: 'service', dataType: 'service' },
  'service.updated': { resourceType: 'service', dataType: 'service' },
  'pagey.ping': { resourceType: 'pagey', dataType: 'ping' },
} as const;

/** An event type of the catalogue. */
export type PdEventType = keyof typeof PAGERDUTY_EVENT_CATALOGUE;

/** The incident event types whose `data` is the incident itself. */
export type PdIncidentEventType = {
  [
    K in PdEventType
  ]: (typeof PAGERDUTY_EVENT_CATALOGUE)[K]['dataType'] extends 'incident'
    ? K
    : never;
}[PdEventType];
