import type { PdIncident, PdNote, PdUser } from './model';
import type { PagerDutyState } from './state';

/** Renders records the way the REST API v2 and Webhooks v3 do. */
export class PagerDutySerializer {
  constructor(
    private readonly state: PagerDutyState,
    private readonly baseUrl: () => string,
  ) {}

  private ref(kind: string, path: string, id: string, summary: string) {
    const self = `${this.baseUrl()}/${path}/${id}`;
    return { id, type: `${kind}_reference`, summary, self, html_url: self };
  }

  userRef(id: string) {
    return this.ref('user', 'users', id, this.state.user(id)?.name ?? id);
  }
  serviceRef(id: string) {
    return this.ref(
      'service',
      'services',
      id,
      this.state.service(id)?.name ?? id,
    );
  }
  policyRef(id: string) {
    return this.ref(
      'escalation_policy',
      'escalation_policies',
      id,
      this.state.policy(id)?.name ?? id,
    );
  }
  scheduleRef(id: string) {
    return this.ref(
      'schedule',
      'schedules',
      id,
      this.state.schedule(id)?.name ?? id,
    );
  }
  priorityRef(id: string) {
    return this.ref(
      'priority',
      'priorities',
      id,
      this.state.priority(id)?.name ?? id,
    );
  }

  user(u: PdUser) {
    return {
      id: u.id,
      type: 'user',
      summary: u.name,
      name: u.name,
      email: u.email,
      role: u.role,
      time_zone: u.time_zone,
      self: `${this.baseUrl()}/users/${u.id}`,
      html_url: `${this.baseUrl()}/users/${u.id}`,
    };
  }

  priority(id: string | null) {
    const p = id ? this.state.priority(id) : undefined;
    if (!p) return null;
    return {
      id: p.id,
      type: 'priority',
      summary: p.name,
      name: p.name,
      description: p.description,
      order: p.order,
    };
  }

  /** The REST v2 incident object. */
  incident(i: PdIncident) {
    return {
      id: i.id,
      type: 'incident',
      summary: `[#${i.incident_number}] ${i.title}`,
      self: `${this.baseUrl()}/incidents/${i.id}`,
      html_url: `${this.baseUrl()}/incidents/${i.id}`,
      incident_number: i.incident_number,
      title: i.title,
      description: i.title,
      created_at: i.created_at,
      updated_at: i.updated_at,
      last_status_change_at: i.last_status_change_at,
      status: i.status,
      incident_key: i.incident_key,
      urgency: i.urgency,
      service: this.serviceRef(i.service_id),
      escalation_policy: this.policyRef(i.escalation_policy_id),
      assignments: i.assignee_ids.map(id => ({
        at: i.updated_at,
        assignee: this.userRef(id),
      })),
      acknowledgements: i.acknowledger_ids.map(id => ({
        at: i.last_status_change_at,
        acknowledger: this.userRef(id),
      })),
      priority: this.priority(i.priority_id),
      teams: [],
      resolve_reason: null,
      alert_counts: { all: 0, triggered: 0, resolved: 0 },
      incidents_responders: [],
      is_mergeable: true,
      body: { type: 'incident_body', details: i.details },
    };
  }

  /**
   * The incident as a Webhooks v3 event carries it in `data` (`data.type` `incident`):
   * no body, no assignments (assignees instead), the number as `number`.
   */
  webhookIncident(i: PdIncident) {
    return {
      id: i.id,
      type: 'incident',
      self: `${this.baseUrl()}/incidents/${i.id}`,
      html_url: `${this.baseUrl()}/incidents/${i.id}`,
      number: i.incident_number,
      status: i.status,
      incident_key: i.incident_key,
      created_at: i.created_at,
      title: i.title,
      incident_type: { name: i.incident_type },
      service: this.serviceRef(i.service_id),
      assignees: i.assignee_ids.map(id => this.userRef(id)),
      escalation_policy: this.policyRef(i.escalation_policy_id),
      teams: [],
      priority: i.priority_id ? this.priorityRef(i.priority_id) : null,
      urgency: i.urgency,
      conference_bridge: i.conference_bridge
        ? { ...i.conference_bridge }
        : null,
      resolve_reason: null,
    };
  }

  /** The `incident_reference` the non-incident data types carry as `incident`. */
  incidentRef(i: PdIncident) {
    return this.ref('incident', 'incidents', i.id, i.title);
  }

  /** `incident_status_update` data (`incident.status_update_published`). */
  webhookStatusUpdate(i: PdIncident, id: string, message: string) {
    return {
      incident: this.incidentRef(i),
      id,
      message,
      trimmed: false,
      type: 'incident_status_update',
    };
  }

  /** `incident_conference_bridge` data: the numbers as a list of {label, number}. */
  webhookConferenceBridge(i: PdIncident) {
    const bridge = i.conference_bridge;
    return {
      incident: this.incidentRef(i),
      conference_numbers: bridge?.conference_number
        ? [{ label: '', number: bridge.conference_number }]
        : [],
      conference_url: bridge?.conference_url ?? null,
      type: 'incident_conference_bridge',
    };
  }

  /** `incident_responder` data (`incident.responder.added` and `.replied`). */
  webhookResponder(
    i: PdIncident,
    userId: string,
    policyId: string,
    message: string,
    state: 'pending' | 'joined' | 'declined',
  ) {
    return {
      incident: this.incidentRef(i),
      user: this.userRef(userId),
      escalation_policy: this.policyRef(policyId),
      message,
      state,
      type: 'incident_responder',
    };
  }

  /** `incident_field_values` data: every value, and the ones this change set. */
  webhookFieldValues(i: PdIncident, changed: string[]) {
    const value = (name: string) => ({
      data_type: 'string',
      field_type: 'single_value',
      id: `PCF${name
        .toUpperCase()
        .replace(/[^A-Z0-9]/g, '')
        .slice(0, 6)}`,
      name,
      namespace: 'incidents',
      type: 'field_value',
      value: i.custom_fields[name],
    });
    return {
      incident: this.incidentRef(i),
      custom_fields: Object.keys(i.custom_fields).map(value),
      changed_custom_fields: changed.map(value),
      type: 'incident_field_values',
    };
  }

  /** `incident_workflow_instance` data (`incident.workflow.started` and `.completed`). */
  webhookWorkflowInstance(
    i: PdIncident,
    instanceId: string,
    workflow: { id: string; name: string },
  ) {
    return {
      id: instanceId,
      type: 'incident_workflow_instance',
      summary: `${workflow.name} on #${i.incident_number}`,
      incident_workflow: this.ref(
        'incident_workflow',
        'incident_workflows',
        workflow.id,
        workflow.name,
      ),
      workflow_trigger: {
        ...this.ref(
          'workflow_trigger',
          'incident_workflows/triggers',
          `${workflow.id}-manual`,
          'Manual trigger',
        ),
        html_url: null,
      },
      incident: this.incidentRef(i),
      service: this.serviceRef(i.service_id),
    };
  }

  /** `service` data (`service.created`, `.updated`, `.deleted`). */
  webhookService(serviceId: string) {
    const self = `${this.baseUrl()}/services/${serviceId}`;
    return {
      html_url: self,
      id: serviceId,
      self,
      summary: this.state.service(serviceId)?.name ?? serviceId,
      alert_creation: 'create_alerts_and_incidents',
      teams: [],
      type: 'service',
    };
  }

  note(n: PdNote) {
    return {
      id: n.id,
      user: n.userId ? this.userRef(n.userId) : null,
      channel: { summary: 'The PagerDuty website or APIs' },
      content: n.content,
      created_at: n.created_at,
    };
  }

  /** The Webhooks v3 `incident.annotated` data. */
  webhookNote(i: PdIncident, n: PdNote) {
    return {
      incident: this.incidentRef(i),
      id: n.id,
      content: n.content,
      trimmed: false,
      type: 'incident_note',
    };
  }
}
