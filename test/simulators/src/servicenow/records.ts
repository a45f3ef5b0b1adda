/** An incident as ServiceNow stores it: every column a string. */
export type IncidentRecord = Record<string, string>;

/** A sys_user row the simulator knows. */
export interface UserRecord {
  sys_id: string;
  user_name: string;
  name: string;
  email: string;
}

/** A sys_journal_field row: one work note or comment. */
export interface JournalEntry {
  sys_id: string;
  name: 'incident';
  element: 'work_notes' | 'comments';
  element_id: string;
  value: string;
  sys_created_on: string;
  sys_created_by: string;
}

/** The columns of a new incident, before the caller's values are applied. */
export const INCIDENT_DEFAULTS: IncidentRecord = {
  short_description: '',
  description: '',
  state: '1',
  impact: '3',
  urgency: '3',
  priority: '5',
  assigned_to: '',
  assignment_group: '',
  cmdb_ci: '',
  caller_id: '',
  category: 'inquiry',
  correlation_id: '',
  correlation_display: '',
  hold_reason: '',
  close_code: '',
  close_notes: '',
  resolved_at: '',
  closed_at: '',
  active: 'true',
  work_notes: '',
  comments: '',
};

/** Columns the Table API never lets a caller write. */
export const SYSTEM_COLUMNS = new Set([
  'sys_id',
  'number',
  'priority',
  'sys_created_on',
  'sys_created_by',
  'sys_updated_on',
  'sys_updated_by',
  'sys_mod_count',
  'opened_at',
  'opened_by',
]);

export const JOURNAL_COLUMNS = new Set(['work_notes', 'comments']);

/** Choice labels ServiceNow shows for display values. */
export const CHOICE_LABELS: Record<string, Record<string, string>> = {
  state: {
    '1': 'New',
    '2': 'In Progress',
    '3': 'On Hold',
    '4': 'Pending',
    '6': 'Resolved',
    '7': 'Closed',
    '8': 'Canceled',
  },
  impact: { '1': '1 - High', '2': '2 - Medium', '3': '3 - Low' },
  urgency: { '1': '1 - High', '2': '2 - Medium', '3': '3 - Low' },
  priority: {
    '1': '1 - Critical',
    '2': '2 - High',
    '3': '3 - Moderate',
    '4': '4 - Low',
    '5': '5 - Planning',
  },
  hold_reason: {
    '1': 'Awaiting Caller',
    '3': 'Awaiting Problem',
    '4': 'Awaiting Vendor',
    '5': 'Awaiting Change',
  },
};

export const REFERENCE_COLUMNS = new Set([
  'assigned_to',
  'caller_id',
  'opened_by',
]);

/** A row of a table incidents reference by its name: sys_user_group or cmdb_ci. */
export interface NamedRecord {
  sys_id: string;
  name: string;
}

/** Reference columns to groups and configuration items, and the table each points at. */
export const NAMED_REFERENCE_TABLES: Record<
  string,
  'sys_user_group' | 'cmdb_ci'
> = {
  assignment_group: 'sys_user_group',
  cmdb_ci: 'cmdb_ci',
};
