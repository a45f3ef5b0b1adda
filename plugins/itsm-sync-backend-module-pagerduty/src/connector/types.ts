/** The parts of PagerDuty REST v2 / Webhooks v3 objects the connector reads. */

export interface PdReference {
  id: string;
  type?: string;
  summary?: string;
  name?: string;
}

export interface PdIncidentObject {
  id: string;
  incident_number?: number;
  number?: number;
  title?: string;
  status?: string;
  urgency?: string;
  incident_key?: string | null;
  html_url?: string;
  created_at?: string;
  updated_at?: string;
  last_status_change_at?: string;
  service?: PdReference;
  escalation_policy?: PdReference | null;
  priority?: PdReference | null;
  /** REST v2 shape. */
  assignments?: Array<{ assignee?: PdReference }>;
  /** Webhooks v3 shape. */
  assignees?: PdReference[];
  body?: { details?: unknown } | null;
}

export interface PdUserObject {
  id: string;
  name?: string;
  summary?: string;
  email?: string;
}

export interface PdPage {
  limit?: number;
  offset?: number;
  more?: boolean;
}
