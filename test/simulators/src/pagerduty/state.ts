import { pagerDutyId } from './ids';
import {
  seedDirectory,
  type PdIncident,
  type PdNote,
  type PdStatus,
  type PdUrgency,
} from './model';

/** Why a change was refused, in PagerDuty's `errors[]` wording. */
export class PdInputError extends Error {}

export interface NewIncident {
  title: string;
  serviceId: string;
  urgency?: PdUrgency;
  incidentKey?: string;
  details?: string;
  escalationPolicyId?: string;
  assigneeIds?: string[];
  priorityId?: string | null;
}

export interface IncidentChanges {
  title?: string;
  status?: PdStatus;
  urgency?: PdUrgency;
  assigneeIds?: string[];
  escalationPolicyId?: string;
  escalationLevel?: number;
  priorityId?: string | null;
  serviceId?: string;
  conferenceBridge?: { conference_number: string; conference_url: string };
  incidentType?: string;
  customFields?: Record<string, string>;
}

/** The incidents as plain JSON. */
export interface PagerDutyStateSnapshot {
  incidents: PdIncident[];
  nextNumber: number;
}

/** The account: a fixed directory (users, services, policies...) and the incidents. */
export class PagerDutyState {
  readonly directory = seedDirectory();
  readonly incidents = new Map<string, PdIncident>();
  private nextNumber = 1;
  /** The simulator's clock, replaceable by tests. */
  now: () => Date = () => new Date();

  user(id: string) {
    return this.directory.users.find(u => u.id === id);
  }
  userByEmail(email: string) {
    const wanted = email.trim().toLowerCase();
    return this.directory.users.find(u => u.email.toLowerCase() === wanted);
  }
  service(id: string) {
    return this.directory.services.find(s => s.id === id);
  }
  policy(id: string) {
    return this.directory.escalationPolicies.find(p => p.id === id);
  }
  schedule(id: string) {
    return this.directory.schedules.find(s => s.id === id);
  }
  priority(id: string) {
    return this.directory.priorities.find(p => p.id === id);
  }
  priorityByName(name: string) {
    return this.directory.priorities.find(p => p.name === name);
  }

  /** The users on call at one level of a policy. */
  oncallAt(policyId: string, level: number): string[] {
    const rule = this.policy(policyId)?.rules.find(r => r.level === level);
    return (rule?.targets ?? []).flatMap(t =>
      t.type === 'user_reference'
        ? [t.id]
        : [this.schedule(t.id)?.oncallUserId ?? []].flat(),
    );
  }

  /** An open (not resolved) incident of a service with this key: PagerDuty's dedup rule. */
  openWithKey(serviceId: string, key: string) {
    return [...this.incidents.values()].find(
      i =>
        i.service_id === serviceId &&
        i.incident_key === key &&
        i.status !== 'resolved',
    );
  }

  create(input: NewIncident): PdIncident {
    const service = this.service(input.serviceId);
    if (!service) throw new PdInputError('Service Not Found');
    if (!input.title.trim()) throw new PdInputError("Title can't be blank");
    const policyId = input.escalationPolicyId ?? service.escalationPolicyId;
    if (!this.policy(policyId))
      throw new PdInputError('Escalation Policy Not Found');
    const key = input.incidentKey ?? pagerDutyId();
    if (this.openWithKey(service.id, key)) {
      throw new PdInputError(
        'Open incident with matching dedup key already exists on this service',
      );
    }
    const assignees = input.assigneeIds?.length
      ? input.assigneeIds
      : this.oncallAt(policyId, 1);
    this.checkUsers(assignees);
    if (input.priorityId && !this.priority(input.priorityId))
      throw new PdInputError('Priority Not Found');
    const at = this.now().toISOString();
    const incident: PdIncident = {
      id: pagerDutyId(this.incidents),
      incident_number: this.nextNumber++,
      title: input.title,
      details: input.details ?? '',
      status: 'triggered',
      urgency: input.urgency ?? 'high',
      incident_key: key,
      service_id: service.id,
      escalation_policy_id: policyId,
      escalation_level: 1,
      assignee_ids: assignees,
      acknowledger_ids: [],
      priority_id: input.priorityId ?? null,
      created_at: at,
      updated_at: at,
      last_status_change_at: at,
      notes: [],
      conference_bridge: null,
      incident_type: 'incident_default',
      custom_fields: {},
    };
    this.incidents.set(incident.id, incident);
    return incident;
  }

  /** Applies an update as PagerDuty does; `actorId` is the From user. */
  update(
    id: string,
    changes: IncidentChanges,
    actorId: string | null,
  ): PdIncident {
    const incident = this.incidents.get(id);
    if (!incident) throw new PdInputError('Incident Not Found');
    if (changes.urgency && !['high', 'low'].includes(changes.urgency)) {
      throw new PdInputError('Urgency must be one of high, low');
    }
    if (
      changes.status &&
      !['triggered', 'acknowledged', 'resolved'].includes(changes.status)
    ) {
      throw new PdInputError(
        'Status must be one of triggered, acknowledged, resolved',
      );
    }
    if (changes.title !== undefined && !changes.title.trim())
      throw new PdInputError("Title can't be blank");
    if (
      changes.escalationPolicyId &&
      !this.policy(changes.escalationPolicyId)
    ) {
      throw new PdInputError('Escalation Policy Not Found');
    }
    if (changes.priorityId && !this.priority(changes.priorityId))
      throw new PdInputError('Priority Not Found');
    if (changes.assigneeIds) this.checkUsers(changes.assigneeIds);
    if (changes.serviceId && !this.service(changes.serviceId))
      throw new PdInputError('Service Not Found');
    const at = this.now().toISOString();

    if (changes.title !== undefined) incident.title = changes.title;
    if (changes.urgency) incident.urgency = changes.urgency;
    if (changes.priorityId !== undefined)
      incident.priority_id = changes.priorityId;
    if (changes.serviceId) incident.service_id = changes.serviceId;
    if (changes.conferenceBridge)
      incident.conference_bridge = { ...changes.conferenceBridge };
    if (changes.incidentType) incident.incident_type = changes.incidentType;
    if (changes.customFields)
      incident.custom_fields = {
        ...incident.custom_fields,
        ...changes.customFields,
      };
    if (
      changes.escalationPolicyId &&
      changes.escalationPolicyId !== incident.escalation_policy_id
    ) {
      // A new policy starts over at its first level and pages its on-call.
      incident.escalation_policy_id = changes.escalationPolicyId;
      incident.escalation_level = 1;
      incident.assignee_ids = this.oncallAt(changes.escalationPolicyId, 1);
    }
    if (changes.escalationLevel !== undefined) {
      const levels = this.policy(incident.escalation_policy_id)!.rules.length;
      incident.escalation_level = Math.min(
        Math.max(1, changes.escalationLevel),
        levels,
      );
      incident.assignee_ids = this.oncallAt(
        incident.escalation_policy_id,
        incident.escalation_level,
      );
    }
    if (changes.assigneeIds) incident.assignee_ids = [...changes.assigneeIds];
    if (changes.status && changes.status !== incident.status) {
      incident.status = changes.status;
      incident.last_status_change_at = at;
      if (changes.status === 'acknowledged' && actorId)
        incident.acknowledger_ids = [actorId];
      if (changes.status === 'triggered') incident.acknowledger_ids = [];
      // PagerDuty clears assignments when an incident resolves.
      if (changes.status === 'resolved') incident.assignee_ids = [];
      if (changes.status === 'triggered' && !incident.assignee_ids.length) {
        incident.assignee_ids = this.oncallAt(
          incident.escalation_policy_id,
          incident.escalation_level,
        );
      }
    }
    incident.updated_at = at;
    return incident;
  }

  addNote(id: string, content: string, userId: string | null): PdNote {
    const incident = this.incidents.get(id);
    if (!incident) throw new PdInputError('Incident Not Found');
    if (!content.trim()) throw new PdInputError("Content can't be blank");
    const note: PdNote = {
      id: pagerDutyId(),
      userId,
      content,
      created_at: this.now().toISOString(),
    };
    incident.notes.push(note);
    return note;
  }

  /** The incidents, as plain JSON, for a simulator kept across restarts (the directory is fixed). */
  snapshot(): PagerDutyStateSnapshot {
    return {
      incidents: [...this.incidents.values()],
      nextNumber: this.nextNumber,
    };
  }

  /** Replaces the incidents with a snapshot's. */
  restore(snapshot: PagerDutyStateSnapshot) {
    this.incidents.clear();
    for (const incident of snapshot.incidents)
      this.incidents.set(incident.id, incident);
    this.nextNumber = snapshot.nextNumber;
  }

  private checkUsers(ids: string[]) {
    for (const id of ids)
      if (!this.user(id)) throw new PdInputError(`User ${id} Not Found`);
  }
}
