/** The simulator's records, in PagerDuty's own vocabulary. */

export type PdStatus = 'triggered' | 'acknowledged' | 'resolved';
export type PdUrgency = 'high' | 'low';

export interface PdUser {
  id: string;
  name: string;
  email: string;
  role: string;
  time_zone: string;
}

export interface PdSchedule {
  id: string;
  name: string;
  /** Who is on call now (the simulator does not rotate). */
  oncallUserId: string;
}

export interface PdEscalationRule {
  /** 1-based escalation level. */
  level: number;
  targets: Array<{ type: 'schedule_reference' | 'user_reference'; id: string }>;
}

export interface PdEscalationPolicy {
  id: string;
  name: string;
  rules: PdEscalationRule[];
}

export interface PdService {
  id: string;
  name: string;
  escalationPolicyId: string;
}

export interface PdPriority {
  id: string;
  name: string;
  description: string;
  order: number;
}

export interface PdNote {
  id: string;
  userId: string | null;
  content: string;
  created_at: string;
}

export interface PdIncident {
  id: string;
  incident_number: number;
  title: string;
  details: string;
  status: PdStatus;
  urgency: PdUrgency;
  incident_key: string;
  service_id: string;
  escalation_policy_id: string;
  escalation_level: number;
  assignee_ids: string[];
  acknowledger_ids: string[];
  priority_id: string | null;
  created_at: string;
  updated_at: string;
  last_status_change_at: string;
  notes: PdNote[];
  /** The incident's conference bridge, once someone sets one. */
  conference_bridge: {
    conference_number: string;
    conference_url: string;
  } | null;
  /** The incident type's name (PagerDuty's default type is `incident_default`). */
  incident_type: string;
  /** Custom field values by field name. */
  custom_fields: Record<string, string>;
}

/** The priorities with a name of their own: the two ends of the scale. */
const PRIORITY_DESCRIPTIONS: Record<number, string> = {
  1: 'Critical',
  5: 'Informational',
};

/** Fixed, readable ids so tests, the demo and people can name them. */
export function seedDirectory() {
  const users: PdUser[] = [
    {
      id: 'PUSR001',
      name: 'Alice Ng',
      email: 'alice@example.com',
      role: 'admin',
      time_zone: 'Etc/UTC',
    },
    {
      id: 'PUSR002',
      name: 'Bob Ruiz',
      email: 'bob@example.com',
      role: 'user',
      time_zone: 'Etc/UTC',
    },
    {
      id: 'PUSR003',
      name: 'Carol Diaz',
      email: 'carol@example.com',
      role: 'user',
      time_zone: 'Etc/UTC',
    },
  ];
  const schedules: PdSchedule[] = [
    { id: 'PSCH001', name: 'Checkout primary', oncallUserId: 'PUSR001' },
    { id: 'PSCH002', name: 'Infrastructure primary', oncallUserId: 'PUSR002' },
  ];
  const escalationPolicies: PdEscalationPolicy[] = [
    {
      id: 'PEPL001',
      name: 'Checkout escalation',
      rules: [
        { level: 1, targets: [{ type: 'schedule_reference', id: 'PSCH001' }] },
        { level: 2, targets: [{ type: 'user_reference', id: 'PUSR003' }] },
      ],
    },
    {
      id: 'PEPL002',
      name: 'Infrastructure escalation',
      rules: [
        { level: 1, targets: [{ type: 'schedule_reference', id: 'PSCH002' }] },
        { level: 2, targets: [{ type: 'user_reference', id: 'PUSR003' }] },
      ],
    },
  ];
  const services: PdService[] = [
    { id: 'PSVC001', name: 'Checkout API', escalationPolicyId: 'PEPL001' },
    {
      id: 'PSVC002',
      name: 'Core Infrastructure',
      escalationPolicyId: 'PEPL002',
    },
  ];
  const priorities: PdPriority[] = [1, 2, 3, 4, 5].map(n => ({
    id: `PPRI00${n}`,
    name: `P${n}`,
    description: PRIORITY_DESCRIPTIONS[n] ?? `Priority ${n}`,
    order: (6 - n) * 128,
  }));
  return { users, schedules, escalationPolicies, services, priorities };
}
